import { describe, expect, it } from 'vitest';
import { API, NON_ADMIN, OTHER_TENANT } from '../support/api.js';
import { EMPTY, freshMock, spaClient, webClient } from './helpers.js';

describe('create', () => {
  it('creates a web client with its first secret, and reads it back with hints only', async () => {
    const { api } = await freshMock(EMPTY);
    const created = await api.post(API, { body: webClient({ description: 'd', allowedGrantTypes: ['client_credentials'] }) });
    expect(created.status).toBe(201);
    const c = created.body;
    expect(c.clientId).toMatch(/^[0-9a-f]{32}$/);
    expect(c.clientSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(c.clientSecrets).toEqual([{ hint: c.clientSecret.slice(-5), createdAt: c.createdAt, createdBy: c.ownerId }]);
    expect(c.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(c).toMatchObject({ appType: 'web', clientName: 'Test web app', description: 'd', allowedAuthMethods: ['client_secret'] });
    expect(c.ownerId).toBeTruthy();

    const read = await api.get(`${API}/${c.clientId}`);
    expect(read.status).toBe(200);
    expect(read.body.clientSecret).toBeUndefined();
    expect(read.text).not.toContain(c.clientSecret);
    expect(read.body.clientSecrets).toEqual(c.clientSecrets);
  });

  it.each(['spa', 'native', 'anonymous-embed'])('gives a %s client an empty clientSecret and no hints', async (appType) => {
    const { api } = await freshMock(EMPTY);
    const body = appType === 'spa' ? spaClient() : { appType, clientName: `A ${appType} app` };
    const created = await api.post(API, { body });
    expect(created.status).toBe(201);
    expect(created.body.clientSecret).toBe('');
    expect(created.body.clientSecrets).toBeUndefined();
  });

  it('gives a private_key_jwt-only web client no secret', async () => {
    const { api } = await freshMock(EMPTY);
    const created = await api.post(API, {
      body: webClient({ allowedAuthMethods: ['private_key_jwt'], publicKeys: [{ kty: 'RSA', use: 'sig', alg: 'RS256', kid: 'k1', n: 'abc', e: 'AQAB' }] }),
    });
    expect(created.status).toBe(201);
    expect(created.body.clientSecret).toBe('');
  });

  it('ignores unknown and read-only properties in the body', async () => {
    const { api } = await freshMock(EMPTY);
    const created = await api.post(API, { body: webClient({ clientId: 'mine', ownerId: 'me', favouriteColour: 'blue' }) });
    expect(created.status).toBe(201);
    expect(created.body.clientId).not.toBe('mine');
    expect(created.body.favouriteColour).toBeUndefined();
  });

  const invalid: [string, Record<string, unknown>][] = [
    ['a missing appType', { clientName: 'x' }],
    ['a missing clientName', { appType: 'web' }],
    ['an empty clientName', webClient({ clientName: '' })],
    ['an unknown appType', { appType: 'daemon', clientName: 'x' }],
    ['allowedGrantTypes on a spa', spaClient({ allowedGrantTypes: ['client_credentials'] })],
    ['allowedOrigins on a web client', webClient({ allowedOrigins: ['https://a.example.com'] })],
    ['consentMethod required', webClient({ connectionConfig: { consentMethod: 'required' } })],
    ['six redirect URIs', webClient({ redirectUris: [1, 2, 3, 4, 5, 6].map((i) => `https://a.example.com/${i}`) })],
    ['six origins', spaClient({ allowedOrigins: [1, 2, 3, 4, 5, 6].map((i) => `https://a${i}.example.com`) })],
    ['duplicate redirect URIs', webClient({ redirectUris: ['https://a.example.com', 'https://a.example.com'] })],
    ['a relative redirect URI', webClient({ redirectUris: ['/callback'] })],
    ['an origin with a path', spaClient({ allowedOrigins: ['https://a.example.com/path'] })],
    ['private_key_jwt without keys', webClient({ allowedAuthMethods: ['private_key_jwt'] })],
    ['an RSA key without n', webClient({ publicKeys: [{ kty: 'RSA', use: 'sig', alg: 'RS256', kid: 'k', e: 'AQAB' }] })],
    ['an RSA key with alg ES384', webClient({ publicKeys: [{ kty: 'RSA', use: 'sig', alg: 'ES384', kid: 'k', n: 'a', e: 'AQAB' }] })],
    ['an EC key on the wrong curve', webClient({ publicKeys: [{ kty: 'EC', use: 'sig', alg: 'ES384', kid: 'k', crv: 'P-256', x: 'a', y: 'b' }] })],
    ['an EC key with an RSA member', webClient({ publicKeys: [{ kty: 'EC', use: 'sig', alg: 'ES384', kid: 'k', crv: 'P-384', x: 'a', y: 'b', n: 'c' }] })],
    ['a key with use enc', webClient({ publicKeys: [{ kty: 'RSA', use: 'enc', alg: 'RS256', kid: 'k', n: 'a', e: 'AQAB' }] })],
    ['two keys with one kid', webClient({ publicKeys: [1, 2].map(() => ({ kty: 'RSA', use: 'sig', alg: 'RS256', kid: 'same', n: 'a', e: 'AQAB' })) })],
    ['a clientName over 512 characters', webClient({ clientName: 'x'.repeat(513) })],
    ['a number as clientName', { appType: 'web', clientName: 42 }],
  ];
  it.each(invalid)('answers 400 for %s, and stores nothing', async (_name, body) => {
    const { api } = await freshMock(EMPTY);
    const reply = await api.post(API, { body });
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0]).toMatchObject({ code: 'HTTP-400', title: 'Bad Request' });
    expect(reply.body.errors[0].detail.length).toBeGreaterThan(5);
    const list = await api.get(`${API}?totalResults=true`);
    expect(list.body.totalResults).toBe(0);
  });

  it('accepts a valid EC key for private_key_jwt', async () => {
    const { api } = await freshMock(EMPTY);
    const key = { kty: 'EC', use: 'sig', alg: 'ES384', kid: 'ec', crv: 'P-384', x: 'WKn-ZIGevcwGIyyrzFoZNBdaq9_TsqzGl96oc0CWuis', y: 'y77t-RvAHRKTsSGdIYUfweuOvwrvDD-Q3Hv5J0fSKbE' };
    const reply = await api.post(API, { body: webClient({ allowedAuthMethods: ['private_key_jwt'], publicKeys: [key] }) });
    expect(reply.status).toBe(201);
    expect(reply.body.publicKeys).toEqual([key]);
  });
});

describe('read', () => {
  it('answers 404 for an unknown id', async () => {
    const { api } = await freshMock();
    const reply = await api.get(`${API}/00000000000000000000000000000000`);
    expect(reply.status).toBe(404);
    expect(reply.body.errors[0].code).toBe('HTTP-404');
  });
});

describe('identity', () => {
  it.each([
    ['no Authorization header', { token: null }],
    ['an empty bearer token', { token: null, headers: { authorization: 'Bearer ' } }],
    ['the Basic scheme', { token: null, headers: { authorization: 'Basic dXNlcjpwYXNz' } }],
  ])('answers 401 for %s', async (_name, options) => {
    const { api } = await freshMock();
    const reply = await api.get(API, options as object);
    expect(reply.status).toBe(401);
    expect(reply.body.errors[0].code).toBe('HTTP-401');
  });

  it('takes any bearer token as the owner, with the scheme in any case', async () => {
    const { api } = await freshMock();
    expect((await api.get(API, { token: null, headers: { authorization: 'bearer anything-at-all' } })).status).toBe(200);
  });

  it('forbids every operation to a non-admin', async () => {
    const { api } = await freshMock();
    const id = (await api.get(API)).body.data[0].clientId;
    const calls = [
      api.get(API, { token: NON_ADMIN }),
      api.post(API, { token: NON_ADMIN, body: webClient() }),
      api.get(`${API}/${id}`, { token: NON_ADMIN }),
      api.patch(`${API}/${id}`, { token: NON_ADMIN, body: [] }),
      api.delete(`${API}/${id}`, { token: NON_ADMIN, headers: { 'qlik-confirm-delete': id } }),
      api.post(`${API}/${id}/client-secrets`, { token: NON_ADMIN }),
      api.delete(`${API}/${id}/client-secrets/abcd`, { token: NON_ADMIN }),
    ];
    for (const reply of await Promise.all(calls)) expect(reply.status).toBe(403);
  });

  it("isolates tenants: another tenant's admin sees none of the first tenant's clients", async () => {
    const { api } = await freshMock();
    const mine = (await api.get(`${API}?limit=100`)).body.data.map((c: { clientId: string }) => c.clientId);
    const theirs = (await api.get(`${API}?limit=100`, { token: OTHER_TENANT })).body.data.map((c: { clientId: string }) => c.clientId);
    expect(mine.length).toBeGreaterThan(20);
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.filter((id: string) => mine.includes(id))).toEqual([]);
    const id = mine[0];
    expect((await api.get(`${API}/${id}`, { token: OTHER_TENANT })).status).toBe(404);
    expect((await api.patch(`${API}/${id}`, { token: OTHER_TENANT, body: [{ op: 'replace', path: '/clientName', value: 'x' }] })).status).toBe(404);
    expect((await api.delete(`${API}/${id}`, { token: OTHER_TENANT, headers: { 'qlik-confirm-delete': id } })).status).toBe(404);
    expect((await api.post(`${API}/${id}/client-secrets`, { token: OTHER_TENANT })).status).toBe(404);
    expect((await api.get(`${API}/${id}`)).status).toBe(200);
  });
});
