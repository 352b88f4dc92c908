import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { formatLine } from '../../src/http/log-line.js';
import { createApp, MockRuntime, startMock } from '../../src/index.js';
import { API, OWNER } from '../support/api.js';

const AUTH = { authorization: `Bearer ${OWNER}` };
import { freshMock } from './helpers.js';

describe('CORS for local frontend development', () => {
  const LOCAL = 'http://localhost:8080';

  it('answers a preflight for a loopback origin on any port, allowing credentials and the qlik-* headers', async () => {
    const { app } = await freshMock();
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3000', 'http://[::1]:4200', 'https://localhost']) {
      const response = await app.request(`${LOCAL}${API}/abc`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'authorization, qlik-confirm-delete' },
      });
      expect(response.status, origin).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(response.headers.get('access-control-allow-credentials')).toBe('true');
      expect(response.headers.get('access-control-allow-methods')).toContain('DELETE');
      expect(response.headers.get('access-control-allow-headers')).toContain('qlik-confirm-delete');
    }
  });

  it('treats an OPTIONS without an Origin as no preflight: 405 with Allow, no CORS headers', async () => {
    const { api } = await freshMock();
    const reply = await api.call('OPTIONS', API, { token: null });
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('GET, HEAD, POST');
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();
    expect(reply.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('adds the headers to real responses, also to errors', async () => {
    const { api } = await freshMock();
    const ok = await api.get(`${LOCAL}${API}`, { headers: { origin: 'http://localhost:3000' } });
    expect(ok.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    const unauthorized = await api.get(`${LOCAL}${API}`, { token: null, headers: { origin: 'http://localhost:3000' } });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers['access-control-allow-origin']).toBe('http://localhost:3000');
  });

  it('adds only Vary: Origin to a request without an Origin (not a CORS request), in process and on a socket', async () => {
    const { api } = await freshMock();
    const mock = await startMock();
    try {
      for (const headers of [(await api.get(API)).headers, Object.fromEntries((await fetch(`${mock.url}${API}`, { headers: AUTH })).headers)]) {
        expect(headers.vary).toBe('Origin');
        expect(headers['access-control-allow-origin']).toBeUndefined();
        expect(headers['access-control-allow-credentials']).toBeUndefined();
        expect(headers['access-control-expose-headers']).toBeUndefined();
      }
      const withOrigin = await fetch(`${mock.url}${API}`, { headers: { ...AUTH, origin: 'http://localhost:3000' } });
      expect(withOrigin.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
      expect(withOrigin.headers.get('access-control-expose-headers')).toContain('qlik-confirm-delete');
      // The control API's 201s name what they made in Location (a fault rule's URL, a session's).
      expect(withOrigin.headers.get('access-control-expose-headers')).toContain('location');
      expect(withOrigin.headers.get('vary')).toBe('Origin');
    } finally {
      await mock.close();
    }
  });

  it('other origins only when listed (loopback ones stay allowed), any with "*"', async () => {
    const { api } = await freshMock({ corsOrigins: ['https://app.example.com'] });
    expect((await api.get(`${LOCAL}${API}`, { headers: { origin: 'https://app.example.com' } })).headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect((await api.get(`${LOCAL}${API}`, { headers: { origin: 'http://localhost:5173' } })).headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect((await api.get(`${LOCAL}${API}`, { headers: { origin: 'https://evil.example.com' } })).status).toBe(403);
    const open = await freshMock({ corsOrigins: ['*'] });
    expect((await open.api.get(`${LOCAL}${API}`, { headers: { origin: 'https://evil.example.com' } })).headers['access-control-allow-origin']).toBe('https://evil.example.com');
  });
});

describe('browser safety by default', () => {
  const LOCAL = 'http://localhost:8080';
  /** What a page of another site can send without a preflight. */
  const simple = (origin: string, body = '{"status":503}') => ({ method: 'POST', headers: { origin, 'content-type': 'text/plain' }, body });

  it('a web page of another origin changes nothing: every simple POST to the API, the token endpoint and the control API is a 403', async () => {
    const { app } = await freshMock();
    const before = await (await app.request(`${LOCAL}/__mock/state`)).text();
    for (const origin of ['https://evil.example', 'null', 'http://localhost.evil.example']) {
      for (const path of ['/__mock/faults', '/__mock/reset', '/__mock/scenarios/empty', '/__mock/provider-states', '/__mock/state', API, '/oauth/token']) {
        const response = await app.request(`${LOCAL}${path}`, simple(origin, path === '/__mock/provider-states' ? '{"state":"no clients"}' : '{"status":503}'));
        expect(response.status, `${origin} ${path}`).toBe(403);
        const body = (await response.json()) as { errors: { code: string; detail: string }[] };
        expect(body.errors[0].code).toBe('HTTP-403');
        expect(body.errors[0].detail).toMatch(/may not use the mock/);
      }
      const form = await app.request(`${LOCAL}/__mock/reset`, { method: 'POST', headers: { origin, 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' });
      expect(form.status).toBe(403);
      expect((await app.request(`${LOCAL}${API}`, { headers: { origin, authorization: 'Bearer t' } })).status).toBe(403);
    }
    expect((await (await app.request(`${LOCAL}/__mock/faults`)).json()) as unknown).toEqual({ faults: [] });
    expect(await (await app.request(`${LOCAL}/__mock/state`)).text()).toBe(before);
  });

  it("a request of another site without an Origin (an image, a script) is a 403; one the user typed or of this site is not", async () => {
    const { app } = await freshMock();
    const get = (site: string) => app.request(`${LOCAL}${API}`, { headers: { 'sec-fetch-site': site, 'sec-fetch-mode': 'no-cors', authorization: 'Bearer t' } });
    expect((await get('cross-site')).status).toBe(403);
    expect((await get('Cross-Site')).status).toBe(403);
    for (const site of ['same-origin', 'same-site', 'none']) expect((await get(site)).status, site).toBe(200);
  });

  it("a link of another site may open the mock's pages (dashboard, front door), nothing else", async () => {
    const { app } = await freshMock();
    const navigate = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' };
    for (const page of ['/', '/__mock/ui']) expect((await app.request(`${LOCAL}${page}`, { headers: navigate })).status, page).toBe(200);
    // A navigation is no pass elsewhere: the control API and the API stay closed to other sites.
    expect((await app.request(`${LOCAL}/__mock/state`, { headers: navigate })).status).toBe(403);
    expect((await app.request(`${LOCAL}${API}`, { headers: { ...navigate, authorization: 'Bearer t' } })).status).toBe(403);
    expect((await app.request(`${LOCAL}/__mock/reset`, { method: 'POST', headers: navigate })).status).toBe(403);
    // Nor under a host name it does not answer to (DNS rebinding).
    expect((await app.request('http://rebind.evil.example:8080/__mock/ui', { headers: navigate })).status).toBe(403);
  });

  it('DNS rebinding: a browser reaching the mock under a host name it does not answer to is a 403, whatever the setting', async () => {
    const { app } = await freshMock({ corsOrigins: ['*'] });
    const rebound = 'http://rebind.evil.example:8080';
    expect((await app.request(`${rebound}/__mock/state`, { headers: { origin: rebound } })).status).toBe(403);
    expect((await app.request(`${rebound}/__mock/state`, { headers: { 'sec-fetch-site': 'same-origin' } })).status).toBe(403);
    const refused = await app.request(`${rebound}${API}`, { headers: { origin: 'http://localhost:3000', authorization: 'Bearer t' } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).errors[0].detail).toMatch(/--allowed-hosts rebind\.evil\.example/);
    // Clients that are not browsers (curl, the SDK in Node, CI service names) are unchanged.
    expect((await app.request(`${rebound}${API}`, { headers: { authorization: 'Bearer t', 'sec-fetch-mode': 'cors' } })).status).toBe(200);
  });

  it("DNS rebinding without an Origin: a rebinding page's same-origin GET (no Origin, no Sec-Fetch-* over plain http) under a public name is a 403 everywhere, and makes no session", async () => {
    const { app } = await freshMock();
    const rebound = 'http://rebind.evil.com:8080';
    for (const path of ['/__mock/state', '/__mock/requests', '/__mock/health', '/', API, `${API}/abc`]) {
      const refused = await app.request(`${rebound}${path}`, { headers: { ...AUTH, 'x-mock-session': 'squatted' } });
      expect(refused.status, path).toBe(403);
      expect(((await refused.json()) as any).errors[0].detail).toMatch(/DNS rebinding.*--allowed-hosts rebind\.evil\.com\.$/);
    }
    const sessions = await app.request(`${LOCAL}/__mock/sessions`);
    expect(((await sessions.json()) as any).sessions.map((s: any) => s.name)).not.toContain('squatted');
    // Names no page can own: IP addresses, names without a dot (a service container), private suffixes.
    for (const host of ['qlik:8080', '10.0.0.5:8080', '[fd00::1]:8080', 'host.docker.internal:8080', 'mock.test', 'app.localhost:3000', 'QLIK.INTERNAL.']) {
      expect((await app.request(`http://${host}${API}`, { headers: AUTH })).status, host).toBe(200);
    }
    // A public name the mock is told it answers to.
    const named = await freshMock({ allowedHosts: ['mock.ci.acme.com'] });
    expect((await named.app.request(`http://mock.ci.acme.com:8080${API}`, { headers: AUTH })).status).toBe(200);
    expect((await named.app.request(`http://mock.ci.acme.com.evil.com${API}`, { headers: AUTH })).status).toBe(403);
  });

  it('a host given in --allowed-hosts, the public base URL and the bound address are names a browser may use; its own origin is allowed', async () => {
    const ci = await freshMock({ allowedHosts: ['qlik'] });
    // The dashboard of a service container opened in a browser: same origin, an allowed host.
    expect((await ci.app.request('http://qlik:8080/__mock/faults', { method: 'POST', headers: { origin: 'http://qlik:8080', 'content-type': 'application/json' }, body: '{"status":503}' })).status).toBe(201);
    expect((await ci.app.request('http://qlik:8080/__mock/faults', { headers: { origin: 'http://other:8080' } })).status).toBe(403);
    const proxied = await freshMock({ publicBaseUrl: 'https://mock.example.com' });
    const behindProxy = await proxied.app.request('http://mock.example.com/api/core/oauth-clients', { headers: { origin: 'https://mock.example.com', authorization: 'Bearer t' } });
    expect(behindProxy.status).toBe(200);
    expect(behindProxy.headers.get('access-control-allow-origin')).toBe('https://mock.example.com');
    // A mock bound to a LAN address (startMock({ host })) answers browsers under it.
    const bound = buildApp(MockRuntime.inMemory(), { boundHost: '10.1.2.3' });
    expect((await bound.request(`http://10.1.2.3:8080${API}`, { headers: { ...AUTH, origin: 'http://10.1.2.3:8080' } })).status).toBe(200);
    expect((await bound.request(`http://10.9.9.9:8080${API}`, { headers: { ...AUTH, origin: 'http://10.9.9.9:8080' } })).status).toBe(403);
  });
});

describe('the official SDK probe', () => {
  it('answers GET /resources/autogenerated/product-info.json with a 404 and no auth (the SDK then treats the host as cloud)', async () => {
    const { api } = await freshMock();
    const reply = await api.get('/resources/autogenerated/product-info.json', { token: null });
    expect(reply.status).toBe(404);
    expect(reply.body.errors[0].code).toBe('HTTP-404');
  });
});

describe('request logs', () => {
  it('writes one JSON line per request with a msg, method, path with query, status, duration, and for errors the detail and traceId; never the token', async () => {
    const lines: string[] = [];
    const app = createApp({ logLevel: 'info', logSink: (line) => lines.push(line) });
    await app.request(`${API}?limit=1`, { headers: { authorization: 'Bearer super-secret-token' } });
    const notFound = await (await app.request(`${API}/nope`, { headers: { authorization: 'Bearer super-secret-token', 'x-mock-session': 'w1' } })).json();
    expect(lines).toHaveLength(2);
    const [first, second] = lines.map((l) => JSON.parse(l));
    expect(first).toMatchObject({ msg: `GET ${API}?limit=1 200`, method: 'GET', path: `${API}?limit=1`, status: 200, operationId: 'readAllOAuthClientsQCC', level: 'info' });
    expect(first.time).toMatch(/Z$/);
    expect(typeof first.durationMs).toBe('number');
    expect(first.detail).toBeUndefined();
    expect(second).toMatchObject({ status: 404, operationId: 'readOAuthClientQCC', level: 'warn', session: 'w1', detail: 'OAuth client "nope" was not found.', traceId: notFound.traceId });
    expect(lines.join('\n')).not.toContain('super-secret-token');
  });

  it("keeps probes out of the info log (the SDK's product-info request, health checks), and shows them at debug", async () => {
    for (const [logLevel, expected] of [['info', 0], ['debug', 2]] as const) {
      const lines: string[] = [];
      const app = createApp({ logLevel, logSink: (line) => lines.push(line) });
      expect((await app.request('/resources/autogenerated/product-info.json')).status).toBe(404);
      expect((await app.request('/__mock/health')).status).toBe(200);
      expect(lines).toHaveLength(expected);
    }
  });

  it('in the pretty format: one readable line a person takes in at a glance, coloured on a terminal', async () => {
    const lines: string[] = [];
    const app = createApp({ logLevel: 'info', logFormat: 'pretty', logSink: (line) => lines.push(line) });
    await app.request(`${API}?limit=1`, { headers: { authorization: 'Bearer t' } });
    await app.request(API, { headers: { authorization: 'Bearer t', prefer: 'code=503' } });
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} GET \/api\/core\/oauth-clients\?limit=1 200 [\d.]+ms readAllOAuthClientsQCC$/);
    expect(lines[1]).toMatch(/ 503 [\d.]+ms readAllOAuthClientsQCC fault=prefer — The service is temporarily unavailable; try again later\. \(traceId [0-9a-f]{32}\)$/);
    // A logSink gets no colour codes; a terminal does.
    expect(lines.join('')).not.toContain('\x1b[');
    expect(formatLine({ time: '2025-01-01T10:00:00.000Z', level: 'warn', method: 'GET', path: '/x', status: 404, durationMs: 1 }, 'pretty', true)).toContain('\x1b[33m404');
  });

  it('the journal keeps the error detail of each 4xx and 5xx too', async () => {
    const app = createApp();
    await app.request(`${API}/nope`, { headers: { authorization: 'Bearer t' } });
    await app.request(API, { headers: { authorization: 'Bearer t' } });
    const { requests } = (await (await app.request('/__mock/requests')).json()) as { requests: { status: number; error?: unknown }[] };
    expect(requests[0]).toMatchObject({ status: 404, error: { detail: 'OAuth client "nope" was not found.', traceId: expect.stringMatching(/^[0-9a-f]{32}$/) } });
    expect(requests[1].error).toBeUndefined();
  });

  it('at warn logs only 4xx and 5xx answers, at error only 5xx', async () => {
    for (const [logLevel, expected] of [
      ['warn', [404, 503]],
      ['error', [503]],
    ] as const) {
      const lines: string[] = [];
      const app = createApp({ logLevel, logSink: (line) => lines.push(line) });
      await app.request(API, { headers: { authorization: 'Bearer x' } });
      await app.request(`${API}/nope`, { headers: { authorization: 'Bearer x' } });
      await app.request(API, { headers: { authorization: 'Bearer x', prefer: 'code=503' } });
      const logged = lines.map((l) => JSON.parse(l) as { status: number; level: string });
      expect(logged.map((e) => e.status), logLevel).toEqual(expected);
      expect(logged.at(-1)?.level).toBe('error');
    }
  });

  it('is silent by default', async () => {
    const lines: string[] = [];
    const app = createApp({ logSink: (line) => lines.push(line) });
    await app.request(API, { headers: { authorization: 'Bearer x' } });
    expect(lines).toEqual([]);
  });
});

describe('control token', () => {
  it('guards the control API (but not its health check) when configured, and leaves the API alone', async () => {
    const app = createApp({ controlToken: 'let-me-in' });
    expect((await app.request('/__mock/openapi.json')).status).toBe(401);
    expect((await app.request('/__mock/openapi.json', { headers: { authorization: 'Bearer let-me-in' } })).status).toBe(200);
    // The scheme in any case, as on the API; the token exactly.
    expect((await app.request('/__mock/openapi.json', { headers: { authorization: 'bearer let-me-in' } })).status).toBe(200);
    for (const wrong of ['Bearer let-me-inx', 'Bearer LET-ME-IN', 'Basic let-me-in', 'Bearerlet-me-in']) {
      expect((await app.request('/__mock/openapi.json', { headers: { authorization: wrong } })).status, wrong).toBe(401);
    }
    expect((await app.request('/__mock/health')).status).toBe(200);
    expect((await app.request(API, { headers: { authorization: 'Bearer anything' } })).status).toBe(200);
  });

  it('refuses before the session is chosen: a refused request makes no session', async () => {
    const app = createApp({ controlToken: 'let-me-in' });
    const token = { authorization: 'Bearer let-me-in' };
    expect((await app.request('/__mock/state', { headers: { 'x-mock-session': 'intruder' } })).status).toBe(401);
    const { sessions } = (await (await app.request('/__mock/sessions', { headers: token })).json()) as { sessions: { name: string }[] };
    expect(sessions.map((s) => s.name)).toEqual(['default']);
  });
});
