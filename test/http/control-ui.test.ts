/**
 * The control routes the dashboard (GET /__mock/ui) needs, through app.request: one journal
 * entry, the stored clients of every tenant, the change feed, and the page's own files.
 */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/app.js';
import { changeFeed } from '../../src/control/events.js';
import { MockRuntime, startMock } from '../../src/index.js';
import { allOperationIds } from '../../src/runtime/mock-runtime.js';
import { API } from '../support/api.js';
import { controlMock, expectError } from './control-helpers.js';
import { webClient } from './helpers.js';

const in_ = (session: string) => ({ 'x-mock-session': session });

describe('GET /__mock/requests/{id}', () => {
  it('gives one entry, naming its session and the detail of the error answered', async () => {
    const { api, control } = await controlMock();
    await api.get(`${API}/nope`);
    await api.post(API, { body: webClient({ clientName: 'One' }), headers: in_('w') });
    const [missing] = (await control.get('/requests')).body.requests;
    const entry = await control.get(`/requests/${missing.id}`);
    expect(entry.status).toBe(200);
    expect(entry.body).toEqual(missing);
    expect(entry.body).toMatchObject({ session: 'default', status: 404, error: { detail: 'OAuth client "nope" was not found.', traceId: expect.stringMatching(/^[0-9a-f]{32}$/) } });
    const [created] = (await control.get('/requests', in_('w'))).body.requests;
    expect(created).toMatchObject({ session: 'w', status: 201, body: { clientName: 'One' } });
    expect(created).not.toHaveProperty('error');
  });

  it('journals the detail of an injected error', async () => {
    const { api, control } = await controlMock();
    await control.post('/faults', { status: 503, operationId: 'readAllOAuthClientsQCC', times: 1 });
    await api.get(API);
    const [entry] = (await control.get('/requests')).body.requests;
    expect(entry).toMatchObject({ status: 503, fault: 'fault-1', error: { detail: 'The service is temporarily unavailable; try again later.', traceId: expect.any(String) } });
  });

  it('is a 404 for an id the journal does not hold, in the error shape', async () => {
    const { api, control } = await controlMock();
    await api.get(API);
    expectError(await control.get('/requests/2'), 404, /no request with the id "2"/);
    expectError(await control.get('/requests/abc'), 404, /"abc"/);
    expectError(await control.get('/requests/0'), 404);
    expectError(await control.get('/requests/1', in_('other')), 404);
    await control.delete('/requests');
    expectError(await control.get('/requests/1'), 404);
  });
});

describe('GET /__mock/clients', () => {
  const OTHER_TENANT = 'Lm9pR2sT4uV6wX8yZ0aB1cD3eF5gH7iJ';
  const all = async (control: Awaited<ReturnType<typeof controlMock>>['control'], query: string, headers?: Record<string, string>) => {
    const seen: any[] = [];
    let next: string | undefined;
    do {
      const reply = await control.get(`/clients?${query}${next ? `&next=${encodeURIComponent(next)}` : ''}`, headers);
      expect(reply.status).toBe(200);
      seen.push(...reply.body.clients);
      next = reply.body.next;
    } while (next);
    return seen;
  };

  it("lists every tenant's clients, oldest first, with tenantId and a count of secrets; hints, never hashes", async () => {
    const { control } = await controlMock();
    const reply = await control.get('/clients?totalResults=true');
    expect(reply.status).toBe(200);
    expect(reply.body.clients).toHaveLength(20);
    expect(reply.body.totalResults).toBe(27);
    expect(reply.body.next).toEqual(expect.any(String));
    expect(reply.body).not.toHaveProperty('prev');
    const state = (await control.get('/state')).body.clients;
    const [first] = reply.body.clients;
    const stored = state.find((c: any) => c.clientId === first.clientId);
    expect(first).toMatchObject({ clientId: stored.clientId, clientName: stored.clientName, appType: stored.appType, tenantId: stored.tenantId, secrets: stored.secrets.length });
    const createdAt = reply.body.clients.map((c: any) => c.createdAt);
    expect(createdAt).toEqual([...createdAt].sort());
    const text = JSON.stringify(await all(control, 'limit=100'));
    expect(text).not.toContain('"hash"');
    for (const secret of state.flatMap((c: any) => c.secrets)) expect(text).not.toContain(secret.hash);
    const web = reply.body.clients.find((c: any) => c.secrets > 0);
    expect(web.clientSecrets).toHaveLength(web.secrets);
    expect(Object.keys(web.clientSecrets[0]).sort()).toEqual(['createdAt', 'createdBy', 'hint']);
  });

  it('filters with the SCIM filter on clientId, clientName, appType, tenantId and createdByType, and sorts', async () => {
    const { control } = await controlMock();
    const other = await control.get(`/clients?filter=${encodeURIComponent(`tenantId eq "${OTHER_TENANT}"`)}&totalResults=true`);
    expect(other.body.totalResults).toBe(2);
    expect(other.body.clients.map((c: any) => c.tenantId)).toEqual([OTHER_TENANT, OTHER_TENANT]);
    const spa = await all(control, `filter=${encodeURIComponent('appType eq "spa" and createdByType pr')}&limit=3`);
    expect(spa.map((c) => c.appType)).toEqual(Array(8).fill('spa'));
    const byName = (await control.get('/clients?sort=-clientName&limit=100')).body.clients.map((c: any) => c.clientName.toLowerCase());
    expect(byName).toEqual([...byName].sort().reverse());
  });

  it('pages with keyset cursors across tenants, forwards and back, without repeats', async () => {
    const { control } = await controlMock();
    const state = (await control.get('/state')).body;
    // A copy of the first client in the other tenant, under its own id (an id is unique across tenants).
    const copy = { ...state.clients[0], clientId: 'c0ffee00c0ffee00c0ffee00c0ffee00', tenantId: OTHER_TENANT, clientName: 'Copy in the other tenant' };
    expect((await control.put('/state', { version: 1, clients: [...state.clients, copy] })).status).toBe(200);
    const seen = await all(control, 'limit=4');
    expect(seen).toHaveLength(28);
    expect(new Set(seen.map((c) => c.clientId)).size).toBe(28);
    expect(seen.find((c) => c.clientId === copy.clientId)?.tenantId).toBe(OTHER_TENANT);
    const second = await control.get(`/clients?limit=4&next=${encodeURIComponent((await control.get('/clients?limit=4')).body.next)}`);
    const back = await control.get(`/clients?limit=4&prev=${encodeURIComponent(second.body.prev)}`);
    expect(back.body.clients.map((c: any) => c.clientId)).toEqual(seen.slice(0, 4).map((c) => c.clientId));
  });

  it('acts on the session named', async () => {
    const { api, control } = await controlMock();
    await api.post(API, { body: webClient({ clientName: 'Only in s' }), headers: in_('s') });
    const names = async (headers?: Record<string, string>) => (await all(control, 'limit=100', headers)).map((c) => c.clientName);
    expect(await names(in_('s'))).toContain('Only in s');
    expect(await names()).not.toContain('Only in s');
    const next = (await control.get('/clients?limit=2', in_('s'))).body.next;
    expectError(await control.get(`/clients?limit=2&next=${encodeURIComponent(next)}`), 400, /different query/);
  });

  it('answers a bad filter, sort, limit or cursor and an unknown parameter with 400 in the error shape', async () => {
    const { control } = await controlMock();
    expectError(await control.get(`/clients?filter=${encodeURIComponent('clientName eq')}`), 400, /Invalid filter/);
    expectError(await control.get(`/clients?filter=${encodeURIComponent('ownerId eq "x"')}`), 400, /Invalid filter/);
    expectError(await control.get('/clients?sort=name'), 400, /Invalid sort/);
    expectError(await control.get('/clients?limit=0'), 400, /limit/);
    expectError(await control.get('/clients?limit=101'), 400, /limit/);
    expectError(await control.get('/clients?limit=1&limit=2'), 400, /only once/);
    expectError(await control.get('/clients?next=forged.cursor'), 400, /Invalid next cursor/);
    const next = (await control.get('/clients?limit=2')).body.next;
    expectError(await control.get(`/clients?limit=2&filter=${encodeURIComponent('appType eq "web"')}&next=${encodeURIComponent(next)}`), 400, /different query/);
    expectError(await control.get(`/clients?prev=${encodeURIComponent(next)}`), 400, /next cursor/);
    expectError(await control.get('/clients?page=2'), 400, /Unknown parameter "page"/);
  });
});

/** Reads server-sent events from a response body, one block (event, data, or a comment) at a time. */
function eventReader(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const next = async (): Promise<{ event?: string; data?: any; comment?: string; retry?: string }> => {
    while (!buffer.includes('\n\n')) {
      const { done, value } = await reader.read();
      if (done) throw new Error('the event stream ended');
      buffer += decoder.decode(value, { stream: true });
    }
    const end = buffer.indexOf('\n\n');
    const block = buffer.slice(0, end);
    buffer = buffer.slice(end + 2);
    const parsed: { event?: string; data?: any; comment?: string; retry?: string } = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) parsed.comment = line.slice(1).trim();
      else if (line.startsWith('event: ')) parsed.event = line.slice(7);
      else if (line.startsWith('data: ')) parsed.data = JSON.parse(line.slice(6));
      else if (line.startsWith('retry: ')) parsed.retry = line.slice(7);
    }
    return parsed;
  };
  return { next, close: () => reader.cancel() };
}

describe('GET /__mock/events', () => {
  it('sends the versions at once, then a change event when the journal, the rules, the data or the sessions change', async () => {
    const { app, api, control } = await controlMock();
    const response = await app.request('/__mock/events');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const events = eventReader(response);
    try {
      const first = await events.next();
      expect(first).toMatchObject({ event: 'change', retry: '1000' });
      const start = first.data;
      expect(Object.keys(start).sort()).toEqual(['data', 'faults', 'journal', 'sessions']);
      await api.get(API);
      const afterRequest = (await events.next()).data;
      expect(afterRequest.journal).toBeGreaterThan(start.journal);
      expect([afterRequest.data, afterRequest.faults]).toEqual([start.data, start.faults]);
      await control.post('/faults', { status: 503, operationId: 'readAllOAuthClientsQCC', times: 1 });
      const added = (await events.next()).data;
      expect(added.faults).toBeGreaterThan(afterRequest.faults);
      await api.get(API); // the rule fires: its hits and remaining change
      expect((await events.next()).data.faults).toBeGreaterThan(added.faults);
      await control.post('/scenarios/empty');
      const applied = (await events.next()).data;
      expect(applied.data).toBeGreaterThan(start.data);
      await control.post('/sessions', { name: 'another' });
      expect((await events.next()).data.sessions).toBeGreaterThan(applied.sessions);
    } finally {
      await events.close();
    }
  });

  it("follows the session named: another session's traffic sends nothing", async () => {
    const { app, api } = await controlMock();
    const events = eventReader(await app.request('/__mock/events', { headers: in_('watched') }));
    try {
      const start = (await events.next()).data;
      await api.get(API);
      await api.get(API, { headers: in_('watched') });
      const next = (await events.next()).data;
      expect(next).toEqual({ ...start, journal: next.journal });
      expect(next.journal).toBe(start.journal + 1);
    } finally {
      await events.close();
    }
  });

  it('works on a real socket, and the server closes with a stream open', async () => {
    const mock = await startMock({ port: 0 });
    const abort = new AbortController();
    const response = await fetch(`${mock.url}/__mock/events`, { signal: abort.signal });
    const events = eventReader(response);
    expect((await events.next()).event).toBe('change');
    await fetch(`${mock.url}/api/core/oauth-clients`, { headers: { authorization: 'Bearer t' } });
    expect((await events.next()).data.journal).toBe(1);
    abort.abort();
    expect((await fetch(`${mock.url}/__mock/health`)).status).toBe(200);
    const second = eventReader(await fetch(`${mock.url}/__mock/events`));
    expect((await second.next()).event).toBe('change');
    await mock.close();
  });

  it('sends a heartbeat comment while nothing changes', async () => {
    const runtime = MockRuntime.inMemory();
    const app = new Hono<AppEnv>()
      .use(async (c, next) => {
        c.set('world', runtime.world);
        await next();
      })
      .get('/events', changeFeed(runtime, { checkMs: 5, heartbeatMs: 30 }));
    const events = eventReader(await app.request('/events'));
    try {
      expect((await events.next()).event).toBe('change');
      expect(await events.next()).toEqual({ comment: 'heartbeat' });
    } finally {
      await events.close();
    }
  });
});

describe('GET /__mock/ui', () => {
  it('serves the page with a strict content security policy, nosniff and revalidation by ETag', async () => {
    const { control } = await controlMock();
    const page = await control.get('/ui');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'self';/);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers.etag).toMatch(/^"[\w-]{22}"$/);
    const again = await control.get('/ui', { 'if-none-match': page.headers.etag });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect((await control.get('/ui', { 'if-none-match': '"other"' })).status).toBe(200);
  });

  it('serves its script and style sheet, and nothing else from its folder', async () => {
    const { control } = await controlMock();
    const script = await control.get('/ui/app.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['content-security-policy']).toMatch(/^default-src 'self';/);
    expect((await control.get('/ui/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expectError(await control.get('/ui/nope.js'), 404, /no file "nope.js"/);
    expectError(await control.get('/ui/..%2Fpackage.json'), 404);
    expectError(await control.call('POST', '/ui'), 405);
  });

  it('loads nothing from elsewhere: every script, style and link of the page is its own', async () => {
    const { control } = await controlMock();
    const html = (await control.get('/ui')).text;
    const references = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    expect(references.length).toBeGreaterThan(3);
    for (const reference of references) expect(reference).toMatch(/^(\/__mock\/ui\/[\w.]+|#\w+|data:,)$/);
    expect(html).not.toMatch(/<script>|style="|\son\w+="/); // no inline script, style or handler: the policy would refuse them
  });

  it('with a control token: the page and its files load without it, every control route with data needs it', async () => {
    const { control } = await controlMock({ controlToken: 'tok' });
    for (const path of ['/ui', '/ui/app.js', '/ui/app.css']) expect((await control.get(path)).status, path).toBe(200);
    for (const path of ['/clients', '/operations', '/requests/1', '/events']) {
      const refused = await control.get(path);
      expectError(refused, 401);
      expect(refused.headers['www-authenticate']).toBe('Bearer');
    }
    expect((await control.get('/clients', { authorization: 'Bearer tok' })).status).toBe(200);
    expect((await control.get('/operations', { authorization: 'Bearer tok' })).status).toBe(200);
  });
});

describe('GET /__mock/operations', () => {
  it('lists every operation a fault rule may name, with its method, path and API', async () => {
    const { control } = await controlMock();
    const { operations } = (await control.get('/operations')).body;
    expect(operations.map((o: any) => o.operationId)).toEqual(allOperationIds());
    expect(operations[0]).toEqual({ operationId: 'readAllOAuthClientsQCC', method: 'GET', path: '/api/core/oauth-clients', api: 'core' });
    expect(operations.at(-1)).toEqual({ operationId: 'issueOAuthToken', method: 'POST', path: '/oauth/token', api: 'mock' });
    expect(new Set(operations.map((o: any) => o.api))).toEqual(new Set(['core', 'v1', 'mock']));
  });
});

describe('ControlClient, for the new routes', () => {
  it('pages clients, reads one request, lists operations and follows the change feed', async () => {
    const mock = await startMock({ port: 0 });
    try {
      const first = await mock.control.clients({ limit: 5, totalResults: true, filter: 'appType eq "web"' });
      expect(first.clients).toHaveLength(5);
      expect(first.totalResults).toBe(12);
      const second = await mock.control.clients({ limit: 5, filter: 'appType eq "web"', next: first.next });
      expect(second.clients.map((c) => c.clientId)).not.toContain(first.clients[0].clientId);
      await expect(mock.control.clients({ filter: 'nope' })).rejects.toMatchObject({ status: 400 });
      expect((await mock.control.operations()).map((o) => o.operationId)).toEqual(allOperationIds());

      const abort = new AbortController();
      const changes = mock.control.changes(abort.signal);
      const start = (await changes.next()).value!;
      await fetch(`${mock.url}/api/core/oauth-clients`, { headers: { authorization: 'Bearer t' } });
      expect((await changes.next()).value).toEqual({ ...start, journal: start.journal + 1 });
      const [entry] = await mock.control.requests();
      expect(await mock.control.request(entry.id)).toEqual(entry);
      await changes.return(undefined);
      await expect(mock.control.request(entry.id + 1)).rejects.toMatchObject({ status: 404 });
    } finally {
      await mock.close();
    }
  });
});
