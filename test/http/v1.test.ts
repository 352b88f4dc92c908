/**
 * The tenant-level API (/api/v1/oauth-clients, docs/FACTS-v1.md) through app.request: every
 * answer is judged by Prism against contract/oauth-clients.v1.openapi.json (test/support/api.ts).
 * The v1 document's anyOf cannot tell the admin and non-admin shapes apart, so the tests check
 * which fields each caller gets themselves.
 */
import { describe, expect, it } from 'vitest';
import { API as CORE, NON_ADMIN, OTHER_TENANT, collectPages } from '../support/api.js';
import { EMPTY, freshMock, spaClient, webClient } from './helpers.js';

const V1 = '/api/v1/oauth-clients';
const OWNER_TENANT = 'xqFQ0k66vSR8f9G7J-vYtHZQkiYrCpct';
const SECOND_TENANT = 'Lm9pR2sT4uV6wX8yZ0aB1cD3eF5gH7iJ';
const EC_KEY = { kty: 'EC', use: 'sig', alg: 'ES384', kid: 'k1', crv: 'P-384', x: 'AAAA', y: 'BBBB' };
const confirm = (id: string) => ({ headers: { 'qlik-confirm-delete': id } });

const expectError = (reply: { status: number; body: any }, status: number, detail: RegExp) => {
  expect(reply.status).toBe(status);
  expect(reply.body.errors[0].code).toBe(`HTTP-${status}`);
  expect(reply.body.errors[0].detail).toMatch(detail);
};

describe('v1: reading', () => {
  it('an admin lists with the full connection config, and gets one client in the admin read shape', async () => {
    const { api } = await freshMock();
    const list = await api.get(`${V1}?limit=3&totalResults=true`);
    expect(list.status).toBe(200);
    expect(list.body.totalResults).toBe(25);
    for (const item of list.body.data) expect(item.connectionConfig).toEqual({ consentMethod: expect.stringMatching(/^(required|trusted)$/), status: 'approved' });
    expect(list.body.links.next.href).toMatch(/^http:\/\/mock\.test\/api\/v1\/oauth-clients\?/);
    const spa = list.body.data.find((c: any) => c.appType === 'spa') ?? (await api.get(`${V1}?filter=appType eq "spa"&limit=1`)).body.data[0];
    const read = await api.get(`${V1}/${spa.clientId}`);
    expect(read.body.connectionConfig).toEqual({ consentMethod: spa.connectionConfig.consentMethod });
    expect(read.body.allowedOrigins).toEqual(spa.allowedOrigins);
    expect(read.body.redirectUris).toBeDefined();
  });

  it('a user who is not an admin may read, in the non-admin shapes: no redirect URIs, origins, status or totalResults', async () => {
    const { api } = await freshMock();
    const list = await api.get(`${V1}?limit=100&totalResults=true`, { token: NON_ADMIN });
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(25);
    expect('totalResults' in list.body).toBe(false);
    for (const item of list.body.data) {
      expect(item).not.toHaveProperty('redirectUris');
      expect(item).not.toHaveProperty('allowedOrigins');
      expect(Object.keys(item.connectionConfig)).toEqual(['consentMethod']);
      expect(item.ownerId).toBeDefined();
    }
    const spa = list.body.data.find((c: any) => c.appType === 'spa');
    const read = await api.get(`${V1}/${spa.clientId}`, { token: NON_ADMIN });
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('allowedOrigins');
    expect((await api.get(`${V1}/${spa.clientId}/connection-configs/me`, { token: NON_ADMIN })).body).toEqual({ consentMethod: spa.connectionConfig.consentMethod, status: 'approved' });
  });

  it('filters on tenantId and createdByType and sorts by tenantId (the attribute of no response)', async () => {
    const { api } = await freshMock();
    const mine = await api.get(`${V1}?filter=${encodeURIComponent(`tenantId eq "${OWNER_TENANT.toLowerCase()}"`)}&totalResults=true`);
    expect(mine.body.totalResults).toBe(25);
    expect((await api.get(`${V1}?filter=${encodeURIComponent(`tenantId eq "${SECOND_TENANT}"`)}&totalResults=true`)).body.totalResults).toBe(0);
    expect((await api.get(`${V1}?filter=${encodeURIComponent('createdByType eq "dcr"')}&totalResults=true`)).body.totalResults).toBe(0);
    expect((await api.get(`${V1}?filter=${encodeURIComponent('createdByType eq "user"')}&totalResults=true`)).body.totalResults).toBe(25);
    const sorted = await api.get(`${V1}?sort=-tenantId&limit=100`);
    expect(sorted.status).toBe(200);
    // One tenant: ties on tenantId are broken by clientId (descending with the sort).
    const ids = sorted.body.data.map((c: any) => c.clientId);
    expect(ids).toEqual([...ids].sort().reverse());
  });

  it('refuses what its document does not have, in the error shape', async () => {
    const { api } = await freshMock();
    expectError(await api.get(`${V1}?filter=${encodeURIComponent('ownerId eq "x"')}`), 400, /valid attributes are clientId, clientName, appType, tenantId, createdByType/);
    expectError(await api.get(`${V1}?sort=%2BownerId`), 400, /valid values are .*\+tenantId/);
    expectError(await api.get(`${V1}?limit=101`), 400, /limit/);
    expectError(await api.get(`${V1}/ffffffffffffffffffffffffffffffff`), 404, /not found/);
  });

  it('a cursor of one API is refused by the other', async () => {
    const { api } = await freshMock();
    const core = await api.get(`${CORE}?limit=2`);
    const cursor = new URL(core.body.links.next.href).searchParams.get('next')!;
    expectError(await api.get(`${V1}?limit=2&next=${encodeURIComponent(cursor)}`), 400, /different query/);
  });

  it('pages through every client with links.next, as the SDK does', async () => {
    const { api } = await freshMock();
    const pages = await collectPages(api, `http://mock.test${V1}?limit=7`);
    expect(pages.flat()).toHaveLength(25);
    expect(new Set(pages.flat().map((c) => c.clientId)).size).toBe(25);
  });
});

describe('v1: creating and changing', () => {
  it('creates with jwksUri and createdByType, which the core API does not show or take', async () => {
    const { api } = await freshMock(EMPTY);
    const created = await api.post(V1, { body: webClient({ jwksUri: 'https://app.example.com/.well-known/jwks.json' }) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ jwksUri: 'https://app.example.com/.well-known/jwks.json', createdByType: 'user', clientSecret: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(created.body.clientSecretHint).toBe(created.body.clientSecret.slice(-5));
    const core = await api.get(`${CORE}/${created.body.clientId}`);
    expect(core.status).toBe(200);
    expect(core.body).not.toHaveProperty('jwksUri');
    // Through core, jwksUri is an unknown property: ignored.
    const viaCore = await api.post(CORE, { body: webClient({ jwksUri: 'https://x.example.com/jwks' }) });
    expect((await api.get(`${V1}/${viaCore.body.clientId}`)).body).not.toHaveProperty('jwksUri');
  });

  it('patches each of the 11 paths, all or nothing', async () => {
    const { api } = await freshMock(EMPTY);
    const spa = (await api.post(V1, { body: spaClient() })).body;
    const url = `${V1}/${spa.clientId}`;
    const ops = [
      { op: 'replace', path: '/clientName', value: 'Renamed' },
      { op: 'add', path: '/description', value: 'd' },
      { op: 'replace', path: '/clientUri', value: 'https://spa.example.com/' },
      { op: 'replace', path: '/logoUri', value: 'https://spa.example.com/logo.png' },
      { op: 'replace', path: '/jwksUri', value: 'https://spa.example.com/jwks' },
      { op: 'replace', path: '/redirectUris', value: ['https://spa.example.com/a', 'https://spa.example.com/b'] },
      { op: 'replace', path: '/allowedOrigins', value: ['https://spa.example.com', 'https://other.example.com'] },
      { op: 'replace', path: '/allowedScopes', value: ['user_default'] },
      { op: 'replace', path: '/publicKeys', value: [EC_KEY] },
      { op: 'replace', path: '/allowedAuthMethods', value: [] },
    ];
    expect((await api.patch(url, { body: ops })).status).toBe(204);
    const read = (await api.get(url)).body;
    expect(read).toMatchObject({
      clientName: 'Renamed',
      description: 'd',
      clientUri: 'https://spa.example.com/',
      logoUri: 'https://spa.example.com/logo.png',
      jwksUri: 'https://spa.example.com/jwks',
      redirectUris: ['https://spa.example.com/a', 'https://spa.example.com/b'],
      allowedOrigins: ['https://spa.example.com', 'https://other.example.com'],
      allowedScopes: ['user_default'],
      publicKeys: [EC_KEY],
      allowedAuthMethods: [],
    });
    expect(read.updatedAt > spa.updatedAt).toBe(true);
    // The creation rules hold after a patch; a refused patch changes nothing.
    const before = (await api.get(url)).body;
    expectError(await api.patch(url, { body: [{ op: 'replace', path: '/clientName', value: 'Lost' }, { op: 'replace', path: '/allowedGrantTypes', value: ['client_credentials'] }] }), 400, /allowedGrantTypes is only allowed for appType "web"/);
    expectError(await api.patch(url, { body: [{ op: 'replace', path: '/redirectUris', value: Array.from({ length: 6 }, (_, i) => `https://spa.example.com/${i}`) }] }), 400, /at most 5/);
    expectError(await api.patch(url, { body: [{ op: 'replace', path: '/allowedOrigins', value: ['https://spa.example.com/path'] }] }), 400, /must be an origin/);
    expectError(await api.patch(url, { body: [{ op: 'replace', path: '/publicKeys', value: [{ ...EC_KEY, alg: 'RS256' }] }] }), 400, /does not fit kty EC/);
    // A key the JWK schema refuses is named as a key, not as a list of strings it never was.
    expectError(await api.patch(url, { body: [{ op: 'replace', path: '/publicKeys', value: [{ ...EC_KEY, use: 'enc' }] }] }), 400, /^body\[0\]\.value\[0\]\.use must be one of "sig"\.$/);
    expectError(await api.patch(url, { body: [{ op: 'replace', path: '/publicKeys', value: [{ kty: 'RSA' }] }] }), 400, /^body\[0\]\.value\[0\] must have the property "\w+"\.$/);
    expectError(await api.patch(url, { body: [{ op: 'replace', path: '/clientName', value: 5 }] }), 400, /^body\[0\]\.value must be string\.$/);
    expectError(await api.patch(url, { body: [{ op: 'remove', path: '/clientName' }] }), 400, /cannot be removed/);
    expectError(await api.patch(url, { body: [{ op: 'replace', path: '/allowedAuthMethods', value: ['private_key_jwt'] }, { op: 'remove', path: '/publicKeys' }] }), 400, /requires at least one entry in publicKeys/);
    expect((await api.get(url)).body).toEqual(before);
  });

  it('answers 202 with a new secret when a patch makes a web client use client_secret; it counts toward the five', async () => {
    const { api } = await freshMock(EMPTY);
    const web = (await api.post(V1, { body: webClient({ allowedAuthMethods: ['private_key_jwt'], publicKeys: [EC_KEY] }) })).body;
    expect(web.clientSecret).toBe('');
    const url = `${V1}/${web.clientId}`;
    const patched = await api.patch(url, { body: [{ op: 'add', path: '/allowedAuthMethods', value: ['private_key_jwt', 'client_secret'] }] });
    expect(patched.status).toBe(202);
    expect(patched.body).toEqual({ clientSecret: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const read = (await api.get(url)).body;
    expect(read.clientSecrets.map((s: any) => s.hint)).toEqual([patched.body.clientSecret.slice(-5)]);
    // Patching again without a change of method generates nothing: 204.
    expect((await api.patch(url, { body: [{ op: 'replace', path: '/clientName', value: 'n' }] })).status).toBe(204);
    for (let i = 0; i < 4; i++) expect((await api.post(`${url}/client-secrets`)).status).toBe(201);
    expectError(await api.post(`${url}/client-secrets`), 409, /max number of client secrets is 5/);
    // Dropping client_secret and adding it back makes the five kept secrets usable again: no
    // sixth, and no 409 (a status PATCH does not document).
    expect((await api.patch(url, { body: [{ op: 'replace', path: '/allowedAuthMethods', value: ['private_key_jwt'] }] })).status).toBe(204);
    const hints = (await api.get(url)).body.clientSecrets.map((s: any) => s.hint);
    expect(hints).toHaveLength(5);
    expect((await api.patch(url, { body: [{ op: 'replace', path: '/allowedAuthMethods', value: ['client_secret'] }] })).status).toBe(204);
    const back = (await api.get(url)).body;
    expect(back.allowedAuthMethods).toEqual(['client_secret']);
    expect(back.clientSecrets.map((s: any) => s.hint)).toEqual(hints);
  });

  it('removing /allowedAuthMethods from a web client gives it the creation default, client_secret', async () => {
    const { api } = await freshMock(EMPTY);
    const web = (await api.post(V1, { body: webClient() })).body;
    const url = `${V1}/${web.clientId}`;
    expect((await api.patch(url, { body: [{ op: 'remove', path: '/allowedAuthMethods' }] })).status).toBe(204);
    const read = (await api.get(url)).body;
    expect(read.allowedAuthMethods).toEqual(['client_secret']);
    expect(read.clientSecrets).toHaveLength(1);
    expect((await api.post(`${url}/client-secrets`)).status).toBe(201);
  });

  it('every write of a user who is not an admin is a 403', async () => {
    const { api } = await freshMock();
    const id = (await api.get(`${V1}?limit=1&filter=appType eq "web"`)).body.data[0].clientId;
    const writes: [string, string, unknown?][] = [
      ['POST', V1, webClient()],
      ['PATCH', `${V1}/${id}`, [{ op: 'replace', path: '/clientName', value: 'x' }]],
      ['DELETE', `${V1}/${id}`],
      ['POST', `${V1}/${id}/actions/publish`],
      ['POST', `${V1}/${id}/client-secrets`],
      ['DELETE', `${V1}/${id}/client-secrets/abcde`],
      ['PATCH', `${V1}/${id}/connection-configs/me`, [{ op: 'replace', path: '/consentMethod', value: 'trusted' }]],
      ['DELETE', `${V1}/${id}/connection-configs/me`],
    ];
    for (const [method, path, body] of writes) {
      expectError(await api.call(method, path, { body, token: NON_ADMIN, headers: { 'qlik-confirm-delete': id } }), 403, /Only a tenant admin can change OAuth clients/);
    }
  });

  it('deletes with the confirmation header, as core does', async () => {
    const { api } = await freshMock(EMPTY);
    const id = (await api.post(V1, { body: webClient() })).body.clientId;
    expectError(await api.delete(`${V1}/${id}`), 400, /qlik-confirm-delete header is required/);
    expect((await api.delete(`${V1}/${id}`, confirm(id))).status).toBe(204);
    expectError(await api.get(`${V1}/${id}`), 404, /not found/);
  });
});

describe('v1: publishing', () => {
  it('shares a client with the admins of other tenants, read-only; publishing twice or an anonymous-embed client is a 400', async () => {
    const { api } = await freshMock(EMPTY);
    const spa = (await api.post(V1, { body: spaClient() })).body;
    const url = `${V1}/${spa.clientId}`;
    expectError(await api.get(url, { token: OTHER_TENANT }), 404, /not found/);
    const published = await api.post(`${url}/actions/publish`);
    expect(published.status).toBe(201);
    expect(published.body).toEqual({ publishedAt: expect.stringMatching(/Z$/) });
    expectError(await api.post(`${url}/actions/publish`), 400, /already published/);
    for (const shape of [(await api.get(url)).body, (await api.get(url, { token: OTHER_TENANT })).body, (await api.get(`${CORE}/${spa.clientId}`)).body]) {
      expect(shape.publishedAt).toBe(published.body.publishedAt);
    }
    const theirs = await api.get(`${V1}?totalResults=true`, { token: OTHER_TENANT });
    expect(theirs.body.data.map((c: any) => c.clientId)).toContain(spa.clientId);
    // Other tenants see it in v1 only; the core API stays the tenant's own, and non-admins see their tenant's only.
    expect((await api.get(`${CORE}?limit=100`, { token: OTHER_TENANT })).body.data.map((c: any) => c.clientId)).not.toContain(spa.clientId);
    // Changing it stays with its own tenant.
    expectError(await api.patch(url, { body: [{ op: 'replace', path: '/clientName', value: 'x' }], token: OTHER_TENANT }), 403, /published by another tenant/);
    expectError(await api.delete(url, { ...confirm(spa.clientId), token: OTHER_TENANT }), 403, /published by another tenant/);
    expectError(await api.post(`${url}/client-secrets`, { token: OTHER_TENANT }), 403, /published by another tenant/);
    expectError(await api.post(`${url}/actions/publish`, { token: OTHER_TENANT }), 403, /published by another tenant/);
    const embed = (await api.post(V1, { body: { appType: 'anonymous-embed', clientName: 'Embed' } })).body;
    expectError(await api.post(`${V1}/${embed.clientId}/actions/publish`), 400, /anonymous-embed.*cannot be published/);
    expectError(await api.post(`${V1}/ffffffffffffffffffffffffffffffff/actions/publish`), 404, /not found/);
  });
});

describe('v1: connection configs (me = the calling tenant)', () => {
  it("the owner's exists from creation, approved; PATCH changes the client's consent method; DELETE makes reads 404 until the next patch", async () => {
    const { api } = await freshMock(EMPTY);
    const web = (await api.post(V1, { body: webClient() })).body;
    const me = `${V1}/${web.clientId}/connection-configs/me`;
    expect((await api.get(me)).body).toEqual({ consentMethod: 'required', status: 'approved' });
    expect((await api.patch(me, { body: [{ op: 'replace', path: '/consentMethod', value: 'trusted' }] })).status).toBe(204);
    expect((await api.get(me)).body).toEqual({ consentMethod: 'trusted', status: 'approved' });
    expect((await api.get(`${V1}/${web.clientId}`)).body.connectionConfig).toEqual({ consentMethod: 'trusted' });
    expect((await api.delete(me)).status).toBe(204);
    expectError(await api.get(me), 404, /no connection config/);
    expectError(await api.delete(me), 404, /no connection config/);
    expect((await api.patch(me, { body: [{ op: 'replace', path: '/consentMethod', value: 'required' }] })).status).toBe(204);
    expect((await api.get(me)).body).toEqual({ consentMethod: 'required', status: 'approved' });
  });

  it("another tenant's is made on its first read, approved by its patch, and outlives the client's deletion by its owner", async () => {
    const { api } = await freshMock(EMPTY);
    const spa = (await api.post(V1, { body: spaClient({ connectionConfig: { consentMethod: 'trusted' } }) })).body;
    await api.post(`${V1}/${spa.clientId}/actions/publish`);
    const me = `${V1}/${spa.clientId}/connection-configs/me`;
    expectError(await api.delete(me, { token: OTHER_TENANT }), 404, /no connection config/);
    expect((await api.get(me, { token: OTHER_TENANT })).body).toEqual({ consentMethod: 'required' });
    const listed = (await api.get(`${V1}?filter=${encodeURIComponent(`clientId eq "${spa.clientId}"`)}`, { token: OTHER_TENANT })).body.data[0];
    expect(listed.connectionConfig).toEqual({ consentMethod: 'required' });
    expect((await api.get(`${V1}/${spa.clientId}`, { token: OTHER_TENANT })).body.connectionConfig).toEqual({ consentMethod: 'required' });
    expect((await api.patch(me, { body: [{ op: 'replace', path: '/consentMethod', value: 'trusted' }], token: OTHER_TENANT })).status).toBe(204);
    expect((await api.get(me, { token: OTHER_TENANT })).body).toEqual({ consentMethod: 'trusted', status: 'approved' });
    // Their read of the client and their list item show their own consent method, as `me` does.
    expect((await api.get(`${V1}/${spa.clientId}`, { token: OTHER_TENANT })).body.connectionConfig).toEqual({ consentMethod: 'trusted' });
    // The owner's config and the client are untouched by another tenant's choice.
    expect((await api.get(me)).body).toEqual({ consentMethod: 'trusted', status: 'approved' });
    expect((await api.delete(`${V1}/${spa.clientId}`, confirm(spa.clientId))).status).toBe(204);
    expect((await api.get(me, { token: OTHER_TENANT })).body).toEqual({ consentMethod: 'trusted', status: 'approved', deletedByOwner: true });
    expectError(await api.get(`${V1}/${spa.clientId}`, { token: OTHER_TENANT }), 404, /not found/);
    expectError(await api.get(me), 404, /not found/);
    expect((await api.delete(me, { token: OTHER_TENANT })).status).toBe(204);
    expectError(await api.get(me, { token: OTHER_TENANT }), 404, /not found/);
  });

  it('a patch body is exactly replace /consentMethod required|trusted', async () => {
    const { api } = await freshMock();
    const id = (await api.get(`${V1}?limit=1`)).body.data[0].clientId;
    const me = `${V1}/${id}/connection-configs/me`;
    expectError(await api.patch(me, { body: [{ op: 'add', path: '/consentMethod', value: 'trusted' }] }), 400, /op must be one of "replace"/);
    expectError(await api.patch(me, { body: [{ op: 'replace', path: '/status', value: 'trusted' }] }), 400, /path must be one of "\/consentMethod"/);
    expectError(await api.patch(me, { body: [{ op: 'replace', path: '/consentMethod', value: 'maybe' }] }), 400, /value must be one of "required", "trusted"/);
    expectError(await api.patch(me, { body: { op: 'replace' } }), 400, /JSON array/);
    expectError(await api.get(`${V1}/ffffffffffffffffffffffffffffffff/connection-configs/me`), 404, /not found/);
  });
});

describe('one store, two APIs', () => {
  it('a client made through either API shows through the other for its tenant', async () => {
    const { api } = await freshMock(EMPTY);
    const viaCore = (await api.post(CORE, { body: webClient({ clientName: 'From core' }) })).body;
    const viaV1 = (await api.post(V1, { body: webClient({ clientName: 'From v1' }) })).body;
    const names = async (path: string, token?: string) => (await api.get(`${path}?limit=100`, { token })).body.data.map((c: any) => c.clientName).sort();
    expect(await names(CORE)).toEqual(['From core', 'From v1']);
    expect(await names(V1)).toEqual(['From core', 'From v1']);
    expect(await names(V1, OTHER_TENANT)).toEqual([]);
    // A secret made through one is used up through the other.
    for (let i = 0; i < 4; i++) await api.post(`${V1}/${viaCore.clientId}/client-secrets`);
    expectError(await api.post(`${CORE}/${viaCore.clientId}/client-secrets`), 409, /5/);
    expect((await api.delete(`${CORE}/${viaV1.clientId}`, confirm(viaV1.clientId))).status).toBe(204);
    expectError(await api.get(`${V1}/${viaV1.clientId}`), 404, /not found/);
  });
});
