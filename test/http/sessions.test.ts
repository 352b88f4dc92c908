/**
 * Sessions: `x-mock-session: <name>` picks an isolated mock world, on the API, the token endpoint
 * and the control API; without it, the default world as before.
 */
import { describe, expect, it } from 'vitest';
import { systemEntropy } from '../../src/domain/ids.js';
import { startMock } from '../../src/index.js';
import { API } from '../support/api.js';
import { controlMock, expectError } from './control-helpers.js';
import { EMPTY, webClient } from './helpers.js';

const in_ = (session: string) => ({ headers: { 'x-mock-session': session } });

describe('sessions', () => {
  it('a session is made on first use from the starting data; what happens in it stays in it', async () => {
    const { api, control } = await controlMock();
    const created = await api.post(API, { body: webClient({ clientName: 'Only in a' }), ...in_('a') });
    expect(created.status).toBe(201);
    const names = async (session?: string) => (await api.get(`${API}?limit=100`, session ? in_(session) : {})).body.data.map((c: any) => c.clientName);
    expect(await names('a')).toContain('Only in a');
    expect(await names()).not.toContain('Only in a');
    expect(await names('b')).not.toContain('Only in a');
    expect(await names('b')).toHaveLength(25);
    // Control routes act on the session named: its state, its journal, its reset.
    // The state holds every tenant's clients: 27 in the fixtures.
    expect((await control.get('/state', in_('a').headers)).body.clients).toHaveLength(28);
    expect((await control.get('/state')).body.clients).toHaveLength(27);
    const journalA = (await control.get('/requests', in_('a').headers)).body.requests;
    expect(journalA.map((r: any) => r.operationId)).toEqual(['createOAuthClientQCC', 'readAllOAuthClientsQCC']);
    expect((await control.get('/requests')).body.requests.map((r: any) => r.operationId)).toEqual(['readAllOAuthClientsQCC']);
    expect((await control.call('POST', '/reset', undefined, in_('a').headers)).status).toBe(200);
    expect(await names('a')).not.toContain('Only in a');
  });

  it('a fault rule armed in a session fires only there', async () => {
    const { api, control } = await controlMock();
    expect((await control.call('POST', '/faults', { status: 503, operationId: 'readAllOAuthClientsQCC', times: 2 }, in_('w1').headers)).status).toBe(201);
    expect((await api.get(API)).status).toBe(200);
    expect((await api.get(API, in_('w2'))).status).toBe(200);
    expectError(await api.get(API, in_('w1')), 503);
    expect((await control.get('/faults', in_('w1').headers)).body.faults[0]).toMatchObject({ hits: 1, remaining: 1 });
    expect((await control.get('/faults')).body.faults).toEqual([]);
  });

  it('is listed, made explicitly (with a scenario), and ended; names are checked', async () => {
    const { api, control } = await controlMock();
    const made = await control.post('/sessions', { name: 'pact-1', scenario: 'empty' });
    expect(made.status).toBe(201);
    expect(made.headers.location).toBe('/__mock/sessions/pact-1');
    expect(made.body).toEqual({ name: 'pact-1', scenario: 'empty', clients: 0 });
    expectError(await control.post('/sessions', { name: 'pact-1' }), 409, /exists/);
    expectError(await control.post('/sessions', { name: 'x', scenario: 'nope' }), 400, /No scenario is named "nope"/);
    expectError(await control.post('/sessions', { name: 'x', extra: 1 }), 400, /Unknown field "extra"/);
    expect((await api.get(API, in_('pact-1'))).body.data).toEqual([]);
    const list = (await control.get('/sessions')).body.sessions;
    expect(list.map((s: any) => [s.name, s.default, s.clients])).toEqual([
      ['default', true, 27],
      ['pact-1', false, 0],
    ]);
    expect(list[1]).toMatchObject({ faults: 0, journal: 1, lastUsed: expect.stringMatching(/Z$/) });
    expect((await control.delete('/sessions/pact-1')).status).toBe(204);
    expectError(await control.delete('/sessions/pact-1'), 404, /No session/);
    expectError(await control.delete('/sessions/default'), 400, /cannot be ended/);
    for (const bad of ['', 'a b', 'x'.repeat(65), 'ä', 'default', 'DEFAULT', '.', '..']) {
      expectError(await api.get(API, in_(bad)), 400, /session/);
    }
    // Names a URL path could never carry back to DELETE /__mock/sessions/{name} are refused up front.
    expectError(await control.post('/sessions', { name: '..' }), 400, /cannot be a session name/);
  });

  it('is bounded: past --max-sessions a new one is a 429 saying so; an idle one expires, least recently used first', async () => {
    let now = Date.UTC(2025, 5, 1);
    const { api, control } = await controlMock({ ...EMPTY, maxSessions: 2, sessionTtlMs: 60_000, entropy: { hex: systemEntropy.hex, now: () => now } });
    expect((await api.get(API, in_('s1'))).status).toBe(200);
    now += 30_000;
    expect((await api.get(API, in_('s2'))).status).toBe(200);
    const refused = await api.get(API, in_('s3'));
    expectError(refused, 429, /limit \(--max-sessions\).*idle for 1 min \(--session-ttl\)/);
    // Not the API's rate limit: its own title.
    expect(refused.body.errors[0].title).toBe('Too many sessions.');
    // When a place is free: s1, the least recently used, is idle for the whole minute in 30 s.
    expect(refused.headers['retry-after']).toBe('30');
    // s1 goes idle past the time to live; s2 does not yet.
    now += 31_000;
    expect((await api.get(API, in_('s3'))).status).toBe(200);
    expect((await control.get('/sessions')).body.sessions.map((s: any) => s.name)).toEqual(['default', 's2', 's3']);
    // The default session never expires and does not count.
    now += 10 * 60_000;
    expect((await control.get('/sessions')).body.sessions.map((s: any) => s.name)).toEqual(['default']);
    expect((await api.post(API, { body: webClient() })).status).toBe(201);
  });

  it('cursors and tokens are bound to their session', async () => {
    const { api } = await controlMock();
    const page = await api.get(`${API}?limit=2`, in_('a'));
    const next = page.body.links.next.href;
    expectError(await api.get(next, in_('b')), 400, /different query/);
    expectError(await api.get(next), 400, /different query/);
    expect((await api.get(next, in_('a'))).status).toBe(200);
    // A token of the token endpoint works in its session only.
    const client = (await api.post(API, { body: webClient({ allowedGrantTypes: ['client_credentials'] }), ...in_('a') })).body;
    const token = await api.post('/oauth/token', {
      body: { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret },
      token: null,
      ...in_('a'),
    });
    expect(token.status).toBe(200);
    const bearer = token.body.access_token;
    expect((await api.get(API, { token: bearer, ...in_('a') })).status).toBe(200);
    expectError(await api.get(API, { token: bearer, ...in_('b') }), 401, /another session/);
    expectError(await api.get(API, { token: bearer }), 401, /another session/);
  });

  it('CORS lets a browser send the header', async () => {
    const { app } = await controlMock();
    const preflight = await app.request(API, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization, x-mock-session' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-mock-session');
  });

  it('mock.session(name) gives the headers and a control client acting on it', async () => {
    const mock = await startMock({ port: 0 });
    try {
      const worker = mock.session('worker-7');
      await worker.control.addFault({ status: 503, operationId: 'readAllOAuthClients', times: 1 });
      const get = (headers: Record<string, string> = {}) => fetch(`${mock.url}/api/v1/oauth-clients`, { headers: { authorization: 'Bearer t', ...headers } });
      expect((await get()).status).toBe(200);
      expect((await get(worker.headers)).status).toBe(503);
      expect((await get(worker.headers)).status).toBe(200);
      expect((await worker.control.requests()).map((r) => r.status)).toEqual([503, 200]);
      expect((await mock.control.requests()).map((r) => r.status)).toEqual([200]);
      expect((await mock.control.listSessions()).map((s) => s.name)).toEqual(['default', 'worker-7']);
      await mock.control.deleteSession('worker-7');
      expect((await mock.control.listSessions()).map((s) => s.name)).toEqual(['default']);
    } finally {
      await mock.close();
    }
  });
});
