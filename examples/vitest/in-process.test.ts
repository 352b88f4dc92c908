/**
 * The mock inside a vitest suite: copy this file into your tests as it is.
 *
 *   npm install --save-dev qlik-oauth-clients-mock vitest
 *   npx vitest run in-process.test.ts
 *
 * Shipped in the package (node_modules/qlik-oauth-clients-mock/examples/); the package's own test
 * suite runs it from a fresh project that installed the packed tarball, and from the repository.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlClient, ControlError, createApp, startMock, type RunningMock } from 'qlik-oauth-clients-mock';

const API = '/api/core/oauth-clients';
const auth = { authorization: 'Bearer test' };

describe('createApp: no socket at all, for app.request()', () => {
  it('lists the embedded default clients', async () => {
    const app = createApp();
    const response = await app.request(`${API}?limit=5`, { headers: auth });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.data).toHaveLength(5);
  });

  it('starts from your own data', async () => {
    const app = createApp({ data: { version: 1, clients: [] } });
    const created = await app.request(API, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ appType: 'spa', clientName: 'My SPA', allowedOrigins: ['http://localhost:5173'] }),
    });
    expect(created.status).toBe(201);
    const list = await (await app.request(`${API}?totalResults=true`, { headers: auth })).json();
    expect(list.totalResults).toBe(1);
  });
});

describe('startMock: a real port for code that calls fetch', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMock({ port: 0, seedCount: 30, fakerSeed: 7 });
  });
  afterAll(() => mock.close());

  it('serves on an ephemeral port, with faker clients added to the fixtures', async () => {
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${mock.url}${API}?totalResults=true&limit=1`, { headers: auth });
    const body = await response.json();
    expect(body.totalResults).toBe(25 + 30);
    expect(body.links.next.href.startsWith(mock.url)).toBe(true);
  });

  it('generates the same faker clients for the same seed', async () => {
    const other = await startMock({ port: 0, seedCount: 30, fakerSeed: 7 });
    try {
      const names = async (url: string) =>
        (await (await fetch(`${url}${API}?limit=100&sort=-createdAt`, { headers: auth })).json()).data.map(
          (c: { clientId: string; clientName: string }) => `${c.clientId} ${c.clientName}`,
        );
      expect(await names(other.url)).toEqual(await names(mock.url));
    } finally {
      await other.close();
    }
  });
});

describe('startMock().control: faults, scenarios and the journal from a test', () => {
  let mock: RunningMock;
  const list = () => fetch(`${mock.url}${API}`, { headers: auth });
  beforeAll(async () => {
    mock = await startMock({ port: 0 });
  });
  afterAll(() => mock.close());

  it('makes the next two list calls fail with 503, then stops', async () => {
    const rule = await mock.control.addFault({ status: 503, operationId: 'readAllOAuthClientsQCC', times: 2 });
    expect(rule).toMatchObject({ id: 'fault-1', hits: 0, remaining: 2 });
    expect([(await list()).status, (await list()).status, (await list()).status]).toEqual([503, 503, 200]);
    expect(await mock.control.listFaults()).toMatchObject([{ id: 'fault-1', hits: 2, remaining: 0 }]);
    await mock.control.reset();
  });

  it('applies a scenario and asserts on what the frontend sent', async () => {
    const applied = await mock.control.applyScenario('secret-limit-reached');
    expect(applied).toMatchObject({ scenario: 'secret-limit-reached', clients: 1 });
    const clients = (await (await list()).json()).data as { clientId: string; clientSecrets?: unknown[] }[];
    const full = clients.find((c) => c.clientSecrets?.length === 5)!;
    await mock.control.clearRequests();
    const response = await fetch(`${mock.url}${API}/${full.clientId}`, {
      method: 'DELETE',
      headers: { ...auth, 'qlik-confirm-delete': full.clientId },
    });
    expect(response.status).toBe(204);
    // requests() resolves with the journal entries themselves (an array), newest last.
    const [sent] = await mock.control.requests({ operationId: 'deleteOAuthClientQCC' });
    expect(sent).toMatchObject({ method: 'DELETE', status: 204 });
    expect(sent.headers['qlik-confirm-delete']).toBe(full.clientId);
    expect(sent.headers.authorization).toBe('Bearer [REDACTED]');
    await mock.control.reset();
  });

  it('sets up a Pact provider state, and reads the state back', async () => {
    const ids = await mock.control.providerState('a web client with 5 secrets');
    const state = await mock.control.getState();
    expect(state.clients.find((c) => c.clientId === ids.clientId)?.secrets).toHaveLength(5);
    await mock.control.reset();
  });

  it('throws a ControlError for what the control API refuses', async () => {
    const error = await mock.control.applyScenario('no-such-scenario').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ControlError);
    expect((error as ControlError).status).toBe(404);
  });

  it('gives each test its own isolated mock world with a session', async () => {
    const a = mock.session('test-a');
    const b = mock.session('test-b');
    await a.control.applyScenario('empty');
    const count = async (headers: Record<string, string>) =>
      (await (await fetch(`${mock.url}${API}?totalResults=true`, { headers: { ...auth, ...headers } })).json()).totalResults;
    expect(await count(a.headers)).toBe(0);
    expect(await count(b.headers)).toBe(25);
    expect(await count({})).toBe(25);
    expect((await mock.control.listSessions()).map((s) => s.name)).toEqual(expect.arrayContaining(['default', 'test-a', 'test-b']));
    await mock.control.deleteSession('test-a');
    await mock.control.deleteSession('test-b');
  });

  it('works the same against a mock in a container: new ControlClient(url)', async () => {
    const control = new ControlClient(mock.url);
    // Health counts every tenant's clients: the fixtures hold 25 in the default tenant, 2 in another.
    expect(await control.health()).toEqual({ status: 'ok', clients: 27 });
  });
});
