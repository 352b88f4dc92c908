import { describe, expect, it } from 'vitest';
import { applyPatch, buildClient, checkCreateRules } from '../../../src/domain/clients.js';
import { DomainError } from '../../../src/domain/errors.js';
import type { CreateInput, StoredClient } from '../../../src/domain/types.js';

const owner = { userId: 'u1', tenantId: 't1', admin: true };
const client = (input: Partial<CreateInput> = {}): StoredClient =>
  buildClient({ appType: 'web', clientName: 'n', ...input } as CreateInput, { clientId: 'c1', now: '2025-01-01T00:00:00.000000Z', owner });

describe('buildClient', () => {
  it('fills the server-side fields and defaults', () => {
    const c = client({ description: 'd' });
    expect(c).toMatchObject({
      tenantId: 't1',
      clientId: 'c1',
      ownerId: 'u1',
      createdAt: '2025-01-01T00:00:00.000000Z',
      updatedAt: '2025-01-01T00:00:00.000000Z',
      allowedAuthMethods: ['client_secret'],
      connectionConfig: { consentMethod: 'required' },
      secrets: [],
      description: 'd',
    });
  });

  it('copies lists so later changes to the input do not leak into the record', () => {
    const redirectUris = ['https://a.example.com'];
    const c = client({ redirectUris });
    redirectUris.push('https://b.example.com');
    expect(c.redirectUris).toEqual(['https://a.example.com']);
  });

  it('gives non-web clients no auth method default', () => {
    expect(client({ appType: 'native' }).allowedAuthMethods).toBeUndefined();
  });
});

describe('checkCreateRules', () => {
  const rejects = (input: Partial<CreateInput>) =>
    expect(() => checkCreateRules({ appType: 'web', clientName: 'n', ...input } as CreateInput)).toThrow(DomainError);

  it('accepts a minimal client', () => {
    expect(() => checkCreateRules({ appType: 'web', clientName: 'n' })).not.toThrow();
  });
  it('enforces the per-list limits and uniqueness', () => {
    rejects({ redirectUris: Array.from({ length: 6 }, (_, i) => `https://x.example.com/${i}`) });
    rejects({ allowedScopes: ['a', 'a'] });
    expect(() => checkCreateRules({ appType: 'web', clientName: 'n', redirectUris: Array.from({ length: 5 }, (_, i) => `https://x.example.com/${i}`) })).not.toThrow();
  });
  it('keeps grant types to web and origins to spa', () => {
    rejects({ appType: 'spa', allowedGrantTypes: ['client_credentials'] });
    rejects({ appType: 'native', allowedOrigins: ['https://a.example.com'] });
    expect(() => checkCreateRules({ appType: 'spa', clientName: 'n', allowedOrigins: ['https://a.example.com'] })).not.toThrow();
  });
  it('checks JWKs against their key type', () => {
    rejects({ publicKeys: [{ kty: 'RSA', use: 'sig', alg: 'RS256', kid: 'k', n: 'a b', e: 'AQAB' }] });
    rejects({ publicKeys: [{ kty: 'EC', use: 'sig', alg: 'RS256', kid: 'k', crv: 'P-384', x: 'a', y: 'b' }] });
    rejects({ publicKeys: [{ kty: 'EC', use: 'sig', alg: 'ES384', kid: 'k', crv: 'P-384', x: 'a' }] });
    rejects({ publicKeys: [{ kty: 'RSA', use: 'sig', alg: 'RS512', kid: ' ', n: 'a', e: 'AQAB' }] });
    expect(() =>
      checkCreateRules({ appType: 'web', clientName: 'n', allowedAuthMethods: ['private_key_jwt'], publicKeys: [{ kty: 'RSA', use: 'sig', alg: 'RS512', kid: 'k', n: 'a_-b', e: 'AQAB' }] }),
    ).not.toThrow();
  });
});

describe('applyPatch', () => {
  const now = '2025-02-01T00:00:00.000000Z';
  it('returns a new record and leaves the input untouched', () => {
    const before = client({ description: 'd' });
    const after = applyPatch(before, [{ op: 'replace', path: '/clientName', value: 'x' }], now);
    expect(after.clientName).toBe('x');
    expect(after.updatedAt).toBe(now);
    expect(before.clientName).toBe('n');
    expect(before.updatedAt).not.toBe(now);
  });
  it('is all or nothing: a bad later operation throws before anything is returned', () => {
    const before = client();
    expect(() =>
      applyPatch(before, [{ op: 'replace', path: '/clientName', value: 'x' }, { op: 'remove', path: '/clientName' }], now),
    ).toThrow(/cannot be removed/);
    expect(before.clientName).toBe('n');
  });
  it('does not touch updatedAt for an empty patch', () => {
    const before = client();
    expect(applyPatch(before, [], now).updatedAt).toBe(before.updatedAt);
  });
  it('treats remove of an absent member as a no-op', () => {
    expect(applyPatch(client(), [{ op: 'remove', path: '/description' }], now).description).toBeUndefined();
  });
});
