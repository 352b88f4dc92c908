/**
 * The control routes the dashboard (GET /__mock/ui) needs, through app.request: one journal
 * entry, the stored clients of every tenant, the change feed, and the page's own files.
 */
import { describe, expect, it } from 'vitest';
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
    expect(entry.body).toMatchObject({ session: 'default', status: 404, error: 'OAuth client "nope" was not found.' });
    const [created] = (await control.get('/requests', in_('w'))).body.requests;
    expect(created).toMatchObject({ session: 'w', status: 201, body: { clientName: 'One' } });
    expect(created).not.toHaveProperty('error');
  });

  it('journals the detail of an injected error', async () => {
    const { api, control } = await controlMock();
    await control.post('/faults', { status: 503, operationId: 'readAllOAuthClientsQCC', times: 1 });
    await api.get(API);
    const [entry] = (await control.get('/requests')).body.requests;
    expect(entry).toMatchObject({ status: 503, fault: 'fault-1', error: 'The service is temporarily unavailable; try again later.' });
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

  it('pages with keyset cursors across tenants, forwards and back, without repeats; an id held by two tenants is listed twice', async () => {
    const { control } = await controlMock();
    const state = (await control.get('/state')).body;
    const twin = { ...state.clients[0], tenantId: OTHER_TENANT, clientName: 'Twin in the other tenant' };
    expect((await control.put('/state', { version: 1, clients: [...state.clients, twin] })).status).toBe(200);
    const seen = await all(control, 'limit=4');
    expect(seen).toHaveLength(28);
    expect(new Set(seen.map((c) => `${c.clientId} ${c.tenantId}`)).size).toBe(28);
    expect(seen.filter((c) => c.clientId === twin.clientId).map((c) => c.tenantId).sort()).toEqual([state.clients[0].tenantId, OTHER_TENANT].sort());
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
