/**
 * Examples for users: the mock inside a vitest suite, two ways.
 * Copy these into your own tests (import from 'qlik-oauth-clients-mock' instead of src/).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, startMock, type RunningMock } from '../../src/index.js';

describe('createApp: no socket at all, for app.request()', () => {
  it('lists the embedded default clients', async () => {
    const app = createApp();
    const response = await app.request('/api/core/oauth-clients?limit=5', { headers: { authorization: 'Bearer test' } });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.data).toHaveLength(5);
  });

  it('starts from your own data', async () => {
    const app = createApp({ data: { version: 1, clients: [] } });
    const created = await app.request('/api/core/oauth-clients', {
      method: 'POST',
      headers: { authorization: 'Bearer test', 'content-type': 'application/json' },
      body: JSON.stringify({ appType: 'spa', clientName: 'My SPA', allowedOrigins: ['http://localhost:5173'] }),
    });
    expect(created.status).toBe(201);
    const list = await (await app.request('/api/core/oauth-clients?totalResults=true', { headers: { authorization: 'Bearer test' } })).json();
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
    const response = await fetch(`${mock.url}/api/core/oauth-clients?totalResults=true&limit=1`, { headers: { authorization: 'Bearer test' } });
    const body = await response.json();
    expect(body.totalResults).toBe(25 + 30);
    expect(body.links.next.href.startsWith(mock.url)).toBe(true);
  });

  it('generates the same faker clients for the same seed', async () => {
    const other = await startMock({ port: 0, seedCount: 30, fakerSeed: 7 });
    try {
      const names = async (url: string) =>
        (await (await fetch(`${url}/api/core/oauth-clients?limit=100&sort=-createdAt`, { headers: { authorization: 'Bearer t' } })).json()).data.map(
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
  const list = () => fetch(`${mock.url}/api/core/oauth-clients`, { headers: { authorization: 'Bearer test' } });
  beforeAll(async () => {
    mock = await startMock({ port: 0 });
  });
  afterAll(() => mock.close());

  it('makes the next two list calls fail with 503, then stops', async () => {
    const rule = await mock.control.addFault({ status: 503, operationId: 'readAllOAuthClientsQCC', times: 2 });
    expect(rule.id).toBeTruthy();
    expect([(await list()).status, (await list()).status, (await list()).status]).toEqual([503, 503, 200]);
    await mock.control.reset();
  });

  it('applies a scenario and asserts on what the frontend sent', async () => {
    await mock.control.applyScenario('secret-limit-reached');
    const clients = (await (await list()).json()).data as { clientId: string; clientSecrets?: unknown[] }[];
    const full = clients.find((c) => c.clientSecrets?.length === 5)!;
    await mock.control.clearRequests();
    const response = await fetch(`${mock.url}/api/core/oauth-clients/${full.clientId}`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer test', 'qlik-confirm-delete': full.clientId },
    });
    expect(response.status).toBe(204);
    const [sent] = await mock.control.requests({ operationId: 'deleteOAuthClientQCC' });
    expect(sent.headers['qlik-confirm-delete']).toBe(full.clientId);
    expect(sent.headers.authorization).toBe('Bearer [REDACTED]');
    await mock.control.reset();
  });
});
