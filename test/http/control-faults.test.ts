import { describe, expect, it } from 'vitest';
import { API } from '../support/api.js';
import { controlMock, expectError } from './control-helpers.js';
import { webClient } from './helpers.js';

const FIRST = '20ba0ecf013ffb6bf5b711761f6c39ec'; // a fixture web client of the default tenant
const statuses = async (n: number, send: () => Promise<{ status: number }>) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await send()).status);
  return out;
};

describe('fault rules: the simplest rule, exactly as the issue writes it', () => {
  it('makes the next two list calls answer 503 and then stops', async () => {
    const { api, control } = await controlMock();
    const created = await control.post('/faults', { status: 503, operationId: 'readAllOAuthClientsQCC', times: 2 });
    expect(created.status).toBe(201);
    expect(created.body.id).toEqual(expect.any(String));
    expect(created.headers.location).toBe(`/__mock/faults/${created.body.id}`);

    const first = await api.get(API);
    expectError(first, 503);
    expect((await api.get(`${API}/${FIRST}`)).status).toBe(200); // another operation is not targeted
    expectError(await api.get(API), 503);
    expect((await api.get(API)).status).toBe(200);
    expect((await api.get(API)).status).toBe(200);

    const listed = await control.get('/faults');
    expect(listed.body.faults).toEqual([expect.objectContaining({ id: created.body.id, hits: 2, remaining: 0 })]);
  });
});

describe('what a rule does', () => {
  it.each([400, 401, 403, 404, 500, 502, 503, 504])('answers %i with the API error body for the status', async (status) => {
    const { api, control } = await controlMock();
    await control.post('/faults', { status, operationId: 'readOAuthClientQCC' });
    const reply = await api.get(`${API}/${FIRST}`); // the shared client judges the body against the contract or the error shape
    expectError(reply, status);
  });

  it('answers any other 4xx too, in the error shape', async () => {
    const { app, control } = await controlMock();
    await control.post('/faults', { status: 418 });
    const response = await app.request(API, { headers: { authorization: 'Bearer x' } });
    expect(response.status).toBe(418);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await response.json()).errors[0]).toMatchObject({ code: 'HTTP-418', title: "I'm a Teapot", status: '418' });
  });

  it('401 carries a Bearer challenge', async () => {
    const { api, control } = await controlMock();
    await control.post('/faults', { status: 401 });
    const reply = await api.get(API);
    expectError(reply, 401);
    expect(reply.headers['www-authenticate']).toBe('Bearer');
  });

  it('429 carries retry-after (1 s by default) and the FACTS.md body', async () => {
    const { api, control } = await controlMock();
    await control.post('/faults', { status: 429, times: 1 });
    const reply = await api.get(API);
    expectError(reply, 429, 'You need to wait 1 seconds until limit is lifted.');
    expect(reply.body.errors[0].title).toBe('API rate limit reached.');
    expect(reply.headers['retry-after']).toBe('1');
    expect(Object.keys(reply.headers).filter((h) => h.startsWith('x-ratelimit'))).toEqual([]);
  });

  it("429's retry-after may be set, and the body follows it", async () => {
    const { api, control } = await controlMock();
    await control.post('/faults', { status: 429, headers: { 'Retry-After': '17' } });
    const reply = await api.get(API);
    expect(reply.headers['retry-after']).toBe('17');
    expect(reply.body.errors[0].detail).toBe('You need to wait 17 seconds until limit is lifted.');
  });

  it('sends custom headers and a custom JSON body', async () => {
    const { app, control } = await controlMock();
    await control.post('/faults', { status: 500, headers: { 'x-upstream': 'db', 'content-type': 'application/problem+json' }, body: { message: 'boom' } });
    const response = await app.request(API, { headers: { authorization: 'Bearer x' } });
    expect(response.status).toBe(500);
    expect(response.headers.get('x-upstream')).toBe('db');
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toEqual({ message: 'boom' });
  });

  it('sends a custom text body as text', async () => {
    const { app, control } = await controlMock();
    await control.post('/faults', { status: 502, body: '<html>Bad gateway</html>' });
    const response = await app.request(API, { headers: { authorization: 'Bearer x' } });
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('<html>Bad gateway</html>');
  });

  it('adds latency and then lets the request proceed normally', async () => {
    const { api, control } = await controlMock();
    const rule = (await control.post('/faults', { delayMs: 150, operationId: 'readAllOAuthClientsQCC' })).body;
    const started = performance.now();
    const reply = await api.get(`${API}?limit=1`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(reply.status).toBe(200);
    expect(reply.body.data).toHaveLength(1);
    expect((await control.get(`/faults/${rule.id}`)).body.hits).toBe(1);
  });

  it('adds latency before an error too', async () => {
    const { api, control } = await controlMock();
    await control.post('/faults', { delayMs: 120, status: 503 });
    const started = performance.now();
    expectError(await api.get(API), 503);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('answers a body that is not valid JSON, with a JSON content type', async () => {
    const { app, control } = await controlMock();
    await control.post('/faults', { connection: 'malformed-json', operationId: 'readAllOAuthClientsQCC' });
    const response = await app.request(API, { headers: { authorization: 'Bearer x' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await response.text();
    expect(text.length).toBeGreaterThan(0);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it('malformed JSON may have its own status and text', async () => {
    const { app, control } = await controlMock();
    await control.post('/faults', { connection: 'malformed-json', status: 500, body: '{"errors": [' });
    const response = await app.request(API, { headers: { authorization: 'Bearer x' } });
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('{"errors": [');
  });

  it('resets the connection: without a socket, the request rejects as fetch does', async () => {
    const { app, control } = await controlMock();
    const rule = (await control.post('/faults', { connection: 'reset', times: 1 })).body;
    await expect(app.request(API, { headers: { authorization: 'Bearer x' } })).rejects.toThrow(TypeError);
    expect((await app.request(API, { headers: { authorization: 'Bearer x' } })).status).toBe(200);
    const [entry] = (await control.get('/requests?limit=2')).body.requests;
    expect(entry).toMatchObject({ status: 0, fault: rule.id });
  });
});

describe('which requests a rule targets', () => {
  it('by method and path pattern', async () => {
    const { api, control } = await controlMock();
    await control.post('/faults', { status: 503, method: 'post', path: '/api/core/oauth-clients/*/client-secrets' });
    expect((await api.post(`${API}/${FIRST}/client-secrets`)).status).toBe(503);
    expect((await api.post(`/api/v1/oauth-clients/${FIRST}/client-secrets`)).status).toBe(201); // another path
    expect((await api.get(`${API}/${FIRST}`)).status).toBe(200);
    expect((await api.post(API, { body: webClient() })).status).toBe(201);
  });

  it('by a path glob with alternatives (braces are a pattern, not literal text)', async () => {
    const { api, control } = await controlMock();
    await control.post('/faults', { status: 503, method: 'post', path: '/api/{core,v1}/oauth-clients/*/client-secrets' });
    expect((await api.post(`${API}/${FIRST}/client-secrets`)).status).toBe(503);
    expect((await api.post(`/api/v1/oauth-clients/${FIRST}/client-secrets`)).status).toBe(503);
    expect((await api.get(`${API}/${FIRST}`)).status).toBe(200);
  });

  it('by path regular expression', async () => {
    const { api, control } = await controlMock();
    await control.post('/faults', { status: 500, path: '^/api/v1/' });
    expect((await api.get('/api/v1/oauth-clients')).status).toBe(500);
    expect((await api.get(API)).status).toBe(200);
  });

  it('by a request header value, e.g. a test id', async () => {
    const { api, control } = await controlMock();
    await control.post('/faults', { status: 503, header: { name: 'X-Test-Id', value: 'checkout-42' } });
    expect((await api.get(API, { headers: { 'x-test-id': 'checkout-42' } })).status).toBe(503);
    expect((await api.get(API, { headers: { 'x-test-id': 'checkout-43' } })).status).toBe(200);
    expect((await api.get(API)).status).toBe(200);
  });

  it('by bearer token through the header matcher: "this token is now rejected"', async () => {
    const { api, control } = await controlMock();
    await control.post('/faults', { status: 401, header: { name: 'authorization', value: 'Bearer old-token' } });
    expectError(await api.get(API, { token: 'old-token' }), 401);
    expect((await api.get(API, { token: 'new-token' })).status).toBe(200);
  });

  it('by client id, on every operation that names it', async () => {
    const { api, control } = await controlMock();
    await control.post('/faults', { status: 500, clientId: FIRST });
    expect((await api.get(`${API}/${FIRST}`)).status).toBe(500);
    expect((await api.delete(`${API}/${FIRST}`, { headers: { 'qlik-confirm-delete': FIRST } })).status).toBe(500);
    expect((await api.get(`${API}/28224c5e84194032c76d2f93befc0410`)).status).toBe(200);
    expect((await api.get(API)).status).toBe(200);
  });

  it('applies before authentication, and never to unknown routes', async () => {
    const { api, control } = await controlMock();
    await control.post('/faults', { status: 503 });
    expectError(await api.get(API, { token: null }), 503);
    expect((await api.get('/api/core/no-such-thing')).status).toBe(404);
    expect((await api.call('PUT', API, { body: {} })).status).toBe(405);
  });
});

describe('how often a rule fires', () => {
  it('`times` is exact under parallel requests', async () => {
    const { app, control } = await controlMock();
    await control.post('/faults', { status: 503, times: 7, operationId: 'readAllOAuthClientsQCC' });
    const replies = await Promise.all(Array.from({ length: 40 }, () => app.request(API, { headers: { authorization: 'Bearer x' } })));
    const counts = replies.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
    expect(counts).toEqual({ 200: 33, 503: 7 });
  });

  it('`times` stays exact when the matching requests are delayed', async () => {
    const { app, control } = await controlMock();
    await control.post('/faults', { status: 503, times: 3, delayMs: 30 });
    const replies = await Promise.all(Array.from({ length: 10 }, () => app.request(API, { headers: { authorization: 'Bearer x' } })));
    expect(replies.filter((r) => r.status === 503)).toHaveLength(3);
  });

  it('a probability is repeatable with a seed and differs with another seed', async () => {
    const run = async (seed: number) => {
      const { api, control } = await controlMock();
      await control.post('/faults', { status: 503, probability: 0.4, seed });
      return statuses(60, () => api.get(`${API}?limit=1`));
    };
    const a = await run(11);
    expect(await run(11)).toEqual(a);
    expect(await run(12)).not.toEqual(a);
    const failed = a.filter((s) => s === 503).length;
    expect(failed).toBeGreaterThan(10);
    expect(failed).toBeLessThan(40);
    expect(new Set(a)).toEqual(new Set([200, 503]));
  });

  it('until removed: DELETE /__mock/faults/{id} stops it, a second delete is 404', async () => {
    const { api, control } = await controlMock();
    const rule = (await control.post('/faults', { status: 500 })).body;
    expect(await statuses(3, () => api.get(API))).toEqual([500, 500, 500]);
    expect((await control.get(`/faults/${rule.id}`)).body).toMatchObject({ hits: 3, remaining: null });
    expect((await control.delete(`/faults/${rule.id}`)).status).toBe(204);
    expect((await api.get(API)).status).toBe(200);
    expectError(await control.delete(`/faults/${rule.id}`), 404);
    expectError(await control.get(`/faults/${rule.id}`), 404);
  });

  it('DELETE /__mock/faults removes every rule', async () => {
    const { api, control } = await controlMock();
    await control.post('/faults', { status: 500, operationId: 'readAllOAuthClientsQCC' });
    await control.post('/faults', { status: 503 });
    expect((await control.delete('/faults')).status).toBe(204);
    expect((await control.get('/faults')).body).toEqual({ faults: [] });
    expect((await api.get(API)).status).toBe(200);
  });

  it('rules are evaluated in creation order; the first that fires wins', async () => {
    const { api, control } = await controlMock();
    await control.post('/faults', { id: 'once', status: 502, times: 1 });
    await control.post('/faults', { id: 'always', status: 504 });
    expect(await statuses(3, () => api.get(API))).toEqual([502, 504, 504]);
  });
});

describe('managing rules', () => {
  it('refuses an invalid rule with 400 naming the field, and adds nothing', async () => {
    const { control } = await controlMock();
    expectError(await control.post('/faults', { status: 503, times: 0 }), 400, 'rule.times must be >= 1.');
    expectError(await control.post('/faults', { status: 503, operationID: 'x' }), 400, 'rule must not have the property "operationID".');
    expectError(await control.post('/faults', { status: 503, operationId: 'listClients' }), 400, /not an operation of the mock/);
    expectError(await control.post('/faults', { status: 503, path: '/api/{core,v1' }), 400, 'rule.path is not a valid glob: the "{" at character 6 is never closed.');
    expectError(await control.post('/faults', { status: 503, path: '^/api/(?=v1)' }), 400, 'rule.path is not a valid regular expression: the lookahead "(?=" at character 7 is not supported.');
    expectError(await control.post('/faults', '{"status": 503'), 400, /not valid JSON/);
    expectError(await control.post('/faults'), 400, /JSON request body is required/);
    expectError(await control.post('/faults', { status: 503, headers: { 'x-a': 'b\r\nx-b: c' } }), 400, 'rule.headers.x-a cannot hold U+000D (at character 2): a header value is latin-1 text without CR, LF, NUL or other control characters but tab.');
    expectError(await control.post('/faults', { status: 503, headers: { 'x-a': 'nul\u0000' } }), 400, /rule\.headers\.x-a cannot hold U\+0000 \(at character 4\)/);
    expectError(await control.post('/faults', { status: 503, headers: { 'x-a': 'a \u2192 b' } }), 400, /rule\.headers\.x-a cannot hold U\+2192/);
    expectError(await control.post('/faults', { status: 503, headers: { 'x-a': '\u{1f680}' } }), 400, /cannot hold U\+1F680/);
    expectError(await control.post('/faults', { status: 503, headers: { TE: 'trailers' } }), 400, 'rule.headers.TE is computed by the server and cannot be set.');
    expectError(await control.post('/faults', { status: 503, headers: { 'Proxy-Connection': 'close' } }), 400, /computed by the server/);
    const many = (count: number, size: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`x-h${i}`, 'v'.repeat(size)]));
    expectError(await control.post('/faults', { status: 503, headers: many(51, 1) }), 400, 'rule.headers must NOT have more than 50 properties.');
    expectError(await control.post('/faults', { status: 503, headers: many(3, 6000) }), 400, 'rule.headers hold 18012 bytes of names and values; at most 16384 are allowed.');
    expectError(await control.post('/faults', { status: 503, headers: many(100, 8192) }), 400, /rule\.headers must NOT have more than 50 properties/);
    expectError(await control.post('/faults', { id: '.', status: 503 }), 400, /rule\.id cannot be "\."/);
    expectError(await control.post('/faults', { id: '..', status: 503 }), 400, /rule\.id cannot be "\.\."/);
    // Rules that could never fire, or never do what they name.
    expectError(await control.post('/faults', { status: 418, path: 'api/v1/oauth-clients' }), 400, 'rule.path "api/v1/oauth-clients" can never match: request paths start with "/" (e.g. "/api/v1/oauth-clients").');
    expectError(await control.post('/faults', { status: 418, path: '^api/v1' }), 400, /rule\.path "\^api\/v1" can never match/);
    for (const status of [204, 205, 304]) expectError(await control.post('/faults', { connection: 'malformed-json', status }), 400, `rule.status cannot be ${status} with connection "malformed-json": a ${status} carries no body to break.`);
    expect((await control.get('/faults')).body.faults).toEqual([]);
  });

  it('accepts a body without a JSON content type (curl -d)', async () => {
    const { control } = await controlMock();
    const reply = await control.post('/faults', '{"status":503}', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(reply.status).toBe(201);
  });

  it('accepts latin-1 header values, tabs, 50 headers and ids with dots that are not dot segments', async () => {
    const { control, app } = await controlMock();
    expect((await control.post('/faults', { id: '...', status: 503, headers: { 'x-a': 'caf\u00e9\tbar' }, operationId: 'readAllOAuthClientsQCC' })).status).toBe(201);
    const response = await app.request(API, { headers: { authorization: 'Bearer x' } });
    expect(response.status).toBe(503);
    expect(response.headers.get('x-a')).toBe('caf\u00e9\tbar');
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`x-h${i}`, 'v'.repeat(300)]));
    expect((await control.post('/faults', { id: 'a.b', status: 503, headers: fifty })).status).toBe(201);
    expect((await control.get('/faults/...')).status).toBe(200);
    expect((await control.delete('/faults/...')).status).toBe(204);
  });

  it('keeps ids unique: a given id that is taken is 409', async () => {
    const { control } = await controlMock();
    expect((await control.post('/faults', { id: 'mine', status: 503 })).body.id).toBe('mine');
    expectError(await control.post('/faults', { id: 'mine', status: 500 }), 409, /already exists/);
  });
});

describe('Prefer, per request', () => {
  it('code=503 answers that one request with 503', async () => {
    const { api } = await controlMock();
    expectError(await api.get(API, { headers: { prefer: 'code=503' } }), 503);
    expect((await api.get(API)).status).toBe(200);
  });

  it('code=429 carries retry-after and the rate-limit body; code=401 a challenge', async () => {
    const { api } = await controlMock();
    const limited = await api.post(API, { body: webClient(), headers: { prefer: 'code=429' } });
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.body.errors[0].detail).toBe('You need to wait 1 seconds until limit is lifted.');
    const unauthorized = await api.get(API, { headers: { prefer: 'code=401' } });
    expectError(unauthorized, 401);
    expect(unauthorized.headers['www-authenticate']).toBe('Bearer');
    expect((await api.get(API)).body.data.some((c: { clientName: string }) => c.clientName === 'Test web app')).toBe(false);
  });

  it('delay=N delays the request, which then proceeds', async () => {
    const { api } = await controlMock();
    const started = performance.now();
    expect((await api.get(API, { headers: { prefer: 'delay=120' } })).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('combines code and delay', async () => {
    const { api } = await controlMock();
    const started = performance.now();
    expectError(await api.get(API, { headers: { prefer: 'code=503, delay=100' } }), 503);
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('a code that is not an error status is a 400', async () => {
    const { api } = await controlMock();
    expectError(await api.get(API, { headers: { prefer: 'code=200' } }), 400, /400-599/);
    expectError(await api.get(API, { headers: { prefer: 'delay=later' } }), 400, /whole number/);
  });

  it('ignores other preferences', async () => {
    const { api } = await controlMock();
    expect((await api.get(API, { headers: { prefer: 'return=minimal' } })).status).toBe(200);
  });

  it('wins over rules without consuming their `times`', async () => {
    const { api, control } = await controlMock();
    const rule = (await control.post('/faults', { status: 500, times: 1 })).body;
    expectError(await api.get(API, { headers: { prefer: 'code=404' } }), 404);
    expect((await control.get(`/faults/${rule.id}`)).body.remaining).toBe(1);
    expect((await api.get(API)).status).toBe(500);
  });
});

describe('no fault ever reaches /__mock', () => {
  it('rules matching everything, and Prefer, leave the control API alone', async () => {
    const { app, control } = await controlMock();
    await control.post('/faults', { status: 503 });
    await control.post('/faults', { status: 500, path: '/__mock/**' });
    await control.post('/faults', { status: 500, path: '^/' });
    await control.post('/faults', { connection: 'reset', method: 'GET' });
    for (const path of ['/health', '/faults', '/state', '/scenarios', '/requests', '/openapi.json', '/control.openapi.json']) {
      const reply = await control.get(path, { prefer: 'code=503, delay=0' });
      expect(reply.status, path).toBe(200);
    }
    expect((await control.post('/reset', undefined, { prefer: 'code=500' })).status).toBe(200);
    const rules = (await control.get('/faults')).body.faults;
    expect(rules).toEqual([]); // reset removed them; until then none fired on /__mock (next test)
    expect((await app.request('/__mock/health')).status).toBe(200);
  });

  it('control requests never count as hits', async () => {
    const { control } = await controlMock();
    await control.post('/faults', { status: 503 });
    await control.get('/health');
    await control.get('/faults');
    expect((await control.get('/faults')).body.faults[0].hits).toBe(0);
  });
});

describe('what the rules together may cost a request', () => {
  it('refuses a rule whose path would bring all rules over the automaton budget, and keeps the others', async () => {
    const { control } = await controlMock();
    const big = { status: 503, path: '^/api/core/oauth-clients/(.*a){1000}$' }; // 3,001 states
    for (let i = 0; i < 3; i++) expect((await control.post('/faults', big)).status).toBe(201);
    const refused = await control.post('/faults', big);
    expectError(refused, 400);
    expect(refused.body.errors[0].detail).toMatch(/^rule would bring the path patterns of the fault rules to 12004 automaton states; at most 10000/);
    expect((await control.get('/faults')).body.faults).toHaveLength(3);
  });
});
