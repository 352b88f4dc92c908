import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { API, OTHER_TENANT, type ApiClient } from '../support/api.js';
import { freshMock, webClient } from './helpers.js';

const TOKEN = '/oauth/token';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** A machine-to-machine web client, created through the API; its id and first secret. */
async function m2mClient(api: ApiClient, extra: Record<string, unknown> = {}, token?: string) {
  const created = await api.post(API, { body: webClient({ allowedGrantTypes: ['client_credentials'], allowedScopes: ['user_default', 'admin_classic'], ...extra }), token });
  expect(created.status).toBe(201);
  return { id: created.body.clientId as string, secret: created.body.clientSecret as string };
}

describe('POST /oauth/token (FACTS.md)', () => {
  it('issues a token for client credentials in JSON, which then works on the API', async () => {
    const { api } = await freshMock();
    const { id, secret } = await m2mClient(api);
    const issued = await api.post(TOKEN, { token: null, body: { grant_type: 'client_credentials', client_id: id, client_secret: secret, scope: 'user_default' } });
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'user_default' });
    expect(issued.headers['cache-control']).toBe('no-store');
    const listed = await api.get(`${API}?limit=100`, { token: issued.body.access_token });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((c: { clientId: string }) => c.clientId)).toContain(id);
  });

  it('takes a form body, and credentials in Authorization: Basic', async () => {
    const { api } = await freshMock();
    const { id, secret } = await m2mClient(api);
    const form = await api.post(TOKEN, { token: null, headers: FORM, raw: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret }).toString() });
    expect(form.status).toBe(200);
    expect(form.body.scope).toBe('user_default admin_classic');
    const basic = await api.post(TOKEN, {
      token: null,
      headers: { ...FORM, authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
      raw: 'grant_type=client_credentials',
    });
    expect(basic.status).toBe(200);
    // RFC 6749 §5.2: refused credentials from the Authorization header name the scheme to use.
    const wrong = await api.post(TOKEN, {
      token: null,
      headers: { ...FORM, authorization: `Basic ${Buffer.from(`${id}:wrong`).toString('base64')}` },
      raw: 'grant_type=client_credentials',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Basic');
    const inBody = await api.post(TOKEN, { token: null, headers: FORM, raw: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: 'wrong' }).toString() });
    expect(inBody.status).toBe(401);
    expect(inBody.headers['www-authenticate']).toBeUndefined();
  });

  it("gives a token that acts in the client's own tenant", async () => {
    const { api } = await freshMock();
    const { id, secret } = await m2mClient(api, {}, OTHER_TENANT);
    const issued = await api.post(TOKEN, { token: null, body: { grant_type: 'client_credentials', client_id: id, client_secret: secret } });
    const theirs = await api.get(`${API}?limit=100`, { token: issued.body.access_token });
    const ours = await api.get(`${API}?limit=100`);
    expect(theirs.body.data.map((c: { clientId: string }) => c.clientId)).toContain(id);
    expect(ours.body.data.map((c: { clientId: string }) => c.clientId)).not.toContain(id);
  });

  it('accepts a private-key JWT signed with one of the client\'s public keys, aimed at this endpoint', async () => {
    const { api } = await freshMock();
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const jwk = { ...(publicKey.export({ format: 'jwk' }) as object), kid: 'key-1', alg: 'ES384', use: 'sig' };
    const { id } = await m2mClient(api, { allowedAuthMethods: ['private_key_jwt'], publicKeys: [jwk] });
    const jwt = (aud: string) => {
      const iat = Math.floor(Date.now() / 1000);
      const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      const input = `${b64({ alg: 'ES384', kid: 'key-1', typ: 'JWT' })}.${b64({ iss: id, sub: id, aud, jti: randomUUID(), iat, exp: iat + 300 })}`;
      return `${input}.${sign('sha384', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    };
    const body = (assertion: string) => ({ grant_type: 'client_credentials', client_id: id, client_assertion: assertion, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' });
    expect((await api.post(TOKEN, { token: null, body: body(jwt('http://mock.test/oauth/token')) })).status).toBe(200);
    const wrongAudience = await api.post(TOKEN, { token: null, body: body(jwt('https://other.example.com/oauth/token')) });
    expect(wrongAudience.status).toBe(401);
    expect(wrongAudience.body.errors[0].detail).toContain('"aud" must be "http://mock.test/oauth/token"');
  });

  it('answers bad requests and bad credentials in the API error shape (what the SDK reads)', async () => {
    const { api } = await freshMock();
    const { id, secret } = await m2mClient(api);
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ grant_type: 'client_credentials', client_id: id, client_secret: 'wrong' }, 401, /secret is wrong/],
      [{ grant_type: 'client_credentials', client_id: 'f'.repeat(32), client_secret: secret }, 401, /No OAuth client/],
      [{ grant_type: 'password', client_id: id, client_secret: secret }, 400, /not supported/],
      [{ grant_type: 'client_credentials', client_id: id, client_secret: secret, scope: 'apps:write' }, 400, /not allowed the scope "apps:write"/],
      [{ client_id: id, client_secret: secret }, 400, /grant_type" is required/],
    ];
    for (const [body, status, detail] of cases) {
      const reply = await api.post(TOKEN, { token: null, body });
      expect(reply.status, JSON.stringify(body)).toBe(status);
      expect(reply.body.errors[0]).toMatchObject({ code: `HTTP-${status}` });
      expect(reply.body.errors[0].detail).toMatch(detail);
    }
    expect((await api.post(TOKEN, { token: null, raw: 'x', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect((await api.post(TOKEN, { token: null, raw: '[1]', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect((await api.post(TOKEN, { token: null, raw: 'a=1&a=2', headers: FORM })).status).toBe(400);
    expect((await api.get(TOKEN, { token: null })).status).toBe(405);
  });

  it('answers 400 to a client that was not given the grant', async () => {
    const { api } = await freshMock();
    const { id, secret } = await m2mClient(api, { allowedGrantTypes: undefined });
    const reply = await api.post(TOKEN, { token: null, body: { grant_type: 'client_credentials', client_id: id, client_secret: secret } });
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0].detail).toContain('not allowed the grant type');
  });

  it('gives an impersonation token that is not an admin: the API answers it 403', async () => {
    const { api } = await freshMock();
    const { id, secret } = await m2mClient(api, { allowedGrantTypes: ['urn:qlik:oauth:user-impersonation'] });
    const issued = await api.post(TOKEN, {
      token: null,
      body: { grant_type: 'urn:qlik:oauth:user-impersonation', client_id: id, client_secret: secret, user_lookup: { field: 'subject', value: 'auth0|alice' } },
    });
    expect(issued.status).toBe(200);
    expect((await api.get(API, { token: issued.body.access_token })).status).toBe(403);
  });

  it('journals token requests with the credentials masked, and is faulted by rules that name it', async () => {
    const { app, api } = await freshMock();
    const { id, secret } = await m2mClient(api);
    await api.post(TOKEN, { token: null, body: { grant_type: 'client_credentials', client_id: id, client_secret: secret } });
    await api.post(TOKEN, { token: null, headers: FORM, raw: `grant_type=client_credentials&client_id=${id}&client_secret=${secret}` });
    const rule = await app.request('/__mock/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ operationId: 'issueOAuthToken', status: 503, times: 1 }) });
    expect(rule.status).toBe(201);
    expect((await api.post(TOKEN, { token: null, body: { grant_type: 'client_credentials', client_id: id, client_secret: secret } })).status).toBe(503);
    expect((await api.post(TOKEN, { token: null, body: { grant_type: 'client_credentials', client_id: id, client_secret: secret } })).status).toBe(200);

    // A catch-all rule (no operationId, no path) is about the API: the token endpoint is not faulted by it.
    await app.request('/__mock/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 502 }) });
    expect((await api.get(API)).status).toBe(502);
    expect((await api.post(TOKEN, { token: null, body: { grant_type: 'client_credentials', client_id: id, client_secret: secret } })).status).toBe(200);
    await app.request('/__mock/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: '/oauth/*', status: 504, times: 1 }) });
    expect((await api.post(TOKEN, { token: null, body: { grant_type: 'client_credentials', client_id: id, client_secret: secret } })).status).toBe(504);

    const journal = await (await app.request('/__mock/requests?operationId=issueOAuthToken')).json();
    expect(journal.requests.map((r: { status: number }) => r.status)).toEqual([200, 200, 503, 200, 200, 504]);
    expect(JSON.stringify(journal)).not.toContain(secret);
    expect(journal.requests[0].body).toMatchObject({ client_id: id, client_secret: '[REDACTED]' });
    expect(journal.requests[1].body).toContain('client_secret=%5BREDACTED%5D');
  });

  it('forgets issued tokens on reset', async () => {
    const { app, api } = await freshMock();
    const { id, secret } = await m2mClient(api, {}, OTHER_TENANT);
    const token = (await api.post(TOKEN, { token: null, body: { grant_type: 'client_credentials', client_id: id, client_secret: secret } })).body.access_token;
    const tenantOf = async () => (await api.get(`${API}?limit=100`, { token })).body.data.length;
    const before = await tenantOf();
    expect((await app.request('/__mock/reset', { method: 'POST' })).status).toBe(200);
    // Now an unknown token: it acts as the default identity, in the default tenant.
    expect(await tenantOf()).toBe((await api.get(`${API}?limit=100`)).body.data.length);
    expect(before).not.toBe(await tenantOf());
  });
});
