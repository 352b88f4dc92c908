import { describe, expect, it } from 'vitest';
import { buildClient } from '../../../src/domain/clients.js';
import { DomainError } from '../../../src/domain/errors.js';
import { sha256Hex, type Entropy } from '../../../src/domain/ids.js';
import { canHaveSecrets, issueSecret, MAX_SECRETS, withoutSecret } from '../../../src/domain/secrets.js';
import type { StoredClient } from '../../../src/domain/types.js';

const owner = { userId: 'u1', tenantId: 't1', admin: true };
const web = (): StoredClient => buildClient({ appType: 'web', clientName: 'n' }, { clientId: 'c', now: 'now', owner });

/** Entropy that hands out the given hex strings in turn. */
const scripted = (...values: string[]): Entropy => ({ hex: () => values.shift()!, now: () => 0 });

describe('secrets', () => {
  it('keeps only a hash and a 5-character hint', () => {
    const secret = 'a'.repeat(59) + '01234';
    const issued = issueSecret(web(), { entropy: scripted(secret), now: 't', by: owner });
    expect(issued.plaintext).toBe(secret);
    expect(issued.record).toEqual({ hint: '01234', hash: sha256Hex(secret), createdAt: 't', createdBy: 'u1' });
    expect(JSON.stringify(issued.record)).not.toContain(secret);
  });

  it('draws again when the hint collides with an existing one', () => {
    const client = { ...web(), secrets: [{ hint: '01234', hash: 'h', createdAt: 't', createdBy: 'u1' }] };
    const issued = issueSecret(client, { entropy: scripted('b'.repeat(59) + '01234', 'c'.repeat(59) + '05678'), now: 't', by: owner });
    expect(issued.record.hint).toBe('05678');
  });

  it('refuses a sixth secret and clients that cannot hold secrets', () => {
    const full = { ...web(), secrets: Array.from({ length: MAX_SECRETS }, (_, i) => ({ hint: `h${i}`, hash: 'h', createdAt: 't', createdBy: 'u' })) };
    expect(() => issueSecret(full, { entropy: scripted('f'.repeat(64)), now: 't', by: owner })).toThrow(expect.objectContaining({ kind: 'conflict' }));
    const jwtOnly = { ...web(), allowedAuthMethods: ['private_key_jwt' as const] };
    expect(canHaveSecrets(jwtOnly)).toBe(false);
    expect(() => issueSecret(jwtOnly, { entropy: scripted('f'.repeat(64)), now: 't', by: owner })).toThrow(DomainError);
  });

  it('removes a secret by hint, and reports an unknown hint', () => {
    const client = { ...web(), secrets: [{ hint: 'abcd', hash: 'h', createdAt: 't', createdBy: 'u' }] };
    expect(withoutSecret(client, 'abcd').secrets).toEqual([]);
    expect(() => withoutSecret(client, 'zzzz')).toThrow(expect.objectContaining({ kind: 'not-found' }));
  });
});
