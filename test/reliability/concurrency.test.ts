/**
 * Concurrency: requests fired together, with exact outcomes. The service checks and changes
 * state before its first await, so races cannot interleave inside one operation; these tests
 * hold it to that, in process (app.request) and over real sockets (startMock + fetch).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, startMock, type RunningMock } from '../../src/index.js';
import { API, apiClient, type ApiClient, type Reply } from '../support/api.js';

const EMPTY = { data: { version: 1 as const, clients: [] } };
const count = (replies: Reply[], status: number) => replies.filter((r) => r.status === status).length;
const statuses = (replies: Reply[]) => replies.map((r) => r.status).sort();
const times = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));

async function inProcess(): Promise<{ api: ApiClient; control: (method: string, path: string, body?: unknown) => Promise<Response> }> {
  const app = createApp(EMPTY);
  const api = await apiClient((url, init) => app.request(url, init));
  const control = (method: string, path: string, body?: unknown) =>
    Promise.resolve(app.request(`http://mock.test/__mock${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } }));
  return { api, control };
}

let running: RunningMock | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function overSockets(): Promise<ApiClient> {
  running = await startMock(EMPTY);
  return apiClient((url, init) => fetch(url, init), running.url);
}

async function newWebClient(api: ApiClient, name = 'Race target'): Promise<{ clientId: string; clientSecrets: { hint: string }[] }> {
  const created = await api.post(API, { body: { appType: 'web', clientName: name } });
  expect(created.status).toBe(201);
  expect(created.body.clientSecrets).toHaveLength(1); // a new web client starts with one secret
  return created.body;
}

describe.each([
  ['in process', async () => (await inProcess()).api],
  ['over sockets', overSockets],
])('races %s', (_where, setup) => {
  it('30 parallel secret creations on a new web client: exactly 4 succeed, 26 get 409, 5 distinct secrets remain', async () => {
    const api = await setup();
    const { clientId } = await newWebClient(api);
    const replies = await Promise.all(times(30, () => api.post(`${API}/${clientId}/client-secrets`)));
    expect(count(replies, 201)).toBe(4);
    expect(count(replies, 409)).toBe(26);
    const read = await api.get(`${API}/${clientId}`);
    const hints = read.body.clientSecrets.map((s: { hint: string }) => s.hint);
    expect(hints).toHaveLength(5);
    expect(new Set(hints).size).toBe(5);
    const issued = replies.filter((r) => r.status === 201).map((r) => r.body.hint);
    for (const hint of issued) expect(hints).toContain(hint);
    expect(new Set(replies.filter((r) => r.status === 201).map((r) => r.body.clientSecret)).size).toBe(4);
  });

  it('20 parallel deletes of one client: exactly one 204, the rest 404', async () => {
    const api = await setup();
    const { clientId } = await newWebClient(api);
    const replies = await Promise.all(times(20, () => api.delete(`${API}/${clientId}`, { headers: { 'qlik-confirm-delete': clientId } })));
    expect(statuses(replies)).toEqual([204, ...times(19, () => 404)]);
    expect((await api.get(`${API}/${clientId}`)).status).toBe(404);
  });
});

describe('races in process', () => {
  it('parallel creates, deletes (each client twice) and lists: each delete wins once, the creates all land, lists stay whole', async () => {
    const { api } = await inProcess();
    const old = [];
    for (let i = 0; i < 15; i++) old.push((await api.post(API, { body: { appType: 'native', clientName: `old ${i}` } })).body.clientId as string);
    const deletes = old.flatMap((id) => times(2, () => api.delete(`${API}/${id}`, { headers: { 'qlik-confirm-delete': id } })));
    const creates = times(15, (i) => api.post(API, { body: { appType: 'spa', clientName: `new ${i}`, allowedOrigins: ['https://a.example.com'] } }));
    const lists = times(10, () => api.get(`${API}?limit=100&totalResults=true`));
    const [deleted, created, listed] = await Promise.all([Promise.all(deletes), Promise.all(creates), Promise.all(lists)]);

    for (let i = 0; i < old.length; i++) expect(statuses(deleted.slice(2 * i, 2 * i + 2))).toEqual([204, 404]);
    expect(count(created, 201)).toBe(15);
    const createdIds = created.map((r) => r.body.clientId as string);
    expect(new Set(createdIds).size).toBe(15);
    for (const list of listed) {
      expect(list.status).toBe(200);
      // Whatever moment a list saw, it is a consistent set: no duplicates, the count matches.
      const ids = list.body.data.map((c: { clientId: string }) => c.clientId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(list.body.totalResults).toBe(ids.length);
      for (const id of ids) expect([...old, ...createdIds]).toContain(id);
    }
    const final = await api.get(`${API}?limit=100`);
    expect(final.body.data.map((c: { clientId: string }) => c.clientId).sort()).toEqual([...createdIds].sort());
  });

  it('20 parallel patches of one client: all 204, the result is exactly one of them (never a mix), updatedAt moved forward', async () => {
    const { api } = await inProcess();
    const { clientId } = await newWebClient(api);
    const before = (await api.get(`${API}/${clientId}`)).body;
    const patches = times(20, (i) => [
      { op: 'replace', path: '/clientName', value: `name ${i}` },
      { op: 'replace', path: '/description', value: `description ${i}` },
      { op: 'replace', path: '/allowedScopes', value: [`scope-${i}`] },
    ]);
    const replies = await Promise.all(patches.map((body) => api.patch(`${API}/${clientId}`, { body })));
    expect(statuses(replies)).toEqual(times(20, () => 204));
    const after = (await api.get(`${API}/${clientId}`)).body;
    const winner = /^name (\d+)$/.exec(after.clientName)?.[1];
    expect(winner).toBeDefined();
    expect(after.description).toBe(`description ${winner}`);
    expect(after.allowedScopes).toEqual([`scope-${winner}`]);
    expect(after.updatedAt > before.updatedAt).toBe(true);
    expect(after.createdAt).toBe(before.createdAt);
  });

  it('parallel patches and a delete of one client: each patch is 204 (before) or 404 (after), and the client is gone', async () => {
    const { api } = await inProcess();
    const { clientId } = await newWebClient(api);
    const patches = times(10, (i) => api.patch(`${API}/${clientId}`, { body: [{ op: 'replace', path: '/clientName', value: `n${i}` }] }));
    const remove = api.delete(`${API}/${clientId}`, { headers: { 'qlik-confirm-delete': clientId } });
    const [patched, removed] = await Promise.all([Promise.all(patches), remove]);
    expect(removed.status).toBe(204);
    for (const reply of patched) expect([204, 404]).toContain(reply.status);
    expect((await api.get(`${API}/${clientId}`)).status).toBe(404);
    expect((await api.get(`${API}?limit=100`)).body.data).toEqual([]);
  });

  it('parallel secret deletions and creations on a full client: exact accounting, never more than 5', async () => {
    const { api } = await inProcess();
    const { clientId, clientSecrets } = await newWebClient(api);
    for (let i = 0; i < 4; i++) expect((await api.post(`${API}/${clientId}/client-secrets`)).status).toBe(201);
    const full = (await api.get(`${API}/${clientId}`)).body.clientSecrets.map((s: { hint: string }) => s.hint) as string[];
    expect(full).toHaveLength(5);
    expect(full).toContain(clientSecrets[0].hint);
    const gone = full.slice(0, 2);
    const [deleted, created] = await Promise.all([
      Promise.all(gone.map((hint) => api.delete(`${API}/${clientId}/client-secrets/${hint}`))),
      Promise.all(times(10, () => api.post(`${API}/${clientId}/client-secrets`))),
    ]);
    expect(statuses(deleted)).toEqual([204, 204]);
    const wins = created.filter((r) => r.status === 201).map((r) => r.body.hint as string);
    expect(count(created, 201) + count(created, 409)).toBe(10);
    const final = (await api.get(`${API}/${clientId}`)).body.clientSecrets.map((s: { hint: string }) => s.hint) as string[];
    expect(final.length).toBe(3 + wins.length);
    expect(final.length).toBeLessThanOrEqual(5);
    expect(new Set(final)).toEqual(new Set([...full.slice(2), ...wins]));
  });

  it('a times-limited fault hit by 20 parallel requests fires exactly 3 times', async () => {
    const { api, control } = await inProcess();
    const rule = await control('POST', '/faults', { status: 503, operationId: 'readAllOAuthClientsQCC', times: 3 });
    expect(rule.status).toBe(201);
    const replies = await Promise.all(times(20, () => api.get(API)));
    expect(count(replies, 503)).toBe(3);
    expect(count(replies, 200)).toBe(17);
    for (const reply of replies.filter((r) => r.status === 503)) expect(reply.body.errors[0].code).toBe('HTTP-503');
    expect(statuses(await Promise.all(times(5, () => api.get(API))))).toEqual(times(5, () => 200));
    const rules = (await (await control('GET', '/faults')).json()) as { faults: { hits: number; remaining: number }[] };
    expect(rules.faults).toEqual([expect.objectContaining({ hits: 3, remaining: 0 })]);
  });

  it('a times-limited fault on secret creation, raced: faulted calls create nothing, the rest fill up to 5 exactly', async () => {
    const { api, control } = await inProcess();
    const { clientId } = await newWebClient(api);
    expect((await control('POST', '/faults', { status: 500, operationId: 'createOAuthClientSecretQCC', times: 2 })).status).toBe(201);
    const replies = await Promise.all(times(10, () => api.post(`${API}/${clientId}/client-secrets`)));
    expect(statuses(replies)).toEqual([...times(4, () => 201), ...times(4, () => 409), 500, 500]);
    expect((await api.get(`${API}/${clientId}`)).body.clientSecrets).toHaveLength(5);
  });
});
