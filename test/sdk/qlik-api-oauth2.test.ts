/**
 * The official SDK with `authType: "oauth2"` and client credentials, as a backend service runs
 * it: it asks the mock's POST /oauth/token for a token (FACTS.md), then calls the API with it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setDefaultHostConfig } from '@qlik/api/auth';
import { getOAuthClient, getOAuthClients } from '@qlik/api/oauth-clients';
import { startMock, type RunningMock } from '../../src/index.js';

let mock: RunningMock;
let clientId: string;
const calls: { method: string; path: string; authorization: string | null; body?: string }[] = [];

beforeAll(async () => {
  mock = await startMock({ port: 0, host: '127.0.0.1' });
  const created = await fetch(`${mock.url}/api/core/oauth-clients`, {
    method: 'POST',
    headers: { authorization: 'Bearer owner-token', 'content-type': 'application/json' },
    body: JSON.stringify({ appType: 'web', clientName: 'Backend job', allowedGrantTypes: ['client_credentials'], allowedScopes: ['user_default'] }),
  });
  const client = (await created.json()) as { clientId: string; clientSecret: string };
  clientId = client.clientId;
  setDefaultHostConfig({ authType: 'oauth2', host: mock.url, clientId: client.clientId, clientSecret: client.clientSecret });
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input as RequestInfo, init);
    calls.push({ method: request.method, path: new URL(request.url).pathname, authorization: request.headers.get('authorization'), body: typeof init?.body === 'string' ? init.body : undefined });
    return realFetch(input as RequestInfo, init);
  });
});

afterAll(async () => {
  vi.restoreAllMocks();
  await mock.close();
});

describe('@qlik/api with OAuth client credentials against the mock', () => {
  it('gets a token from /oauth/token and uses it as the bearer of its API calls', async () => {
    const list = await getOAuthClients({ limit: 100 }, { noCache: true });
    expect(list.status).toBe(200);
    expect(list.data.data?.map((c) => c.clientId)).toContain(clientId);
    const one = await getOAuthClient(clientId, { noCache: true });
    expect(one.data.clientName).toBe('Backend job');

    const tokenCall = calls.find((c) => c.path === '/oauth/token');
    expect(tokenCall?.method).toBe('POST');
    expect(JSON.parse(tokenCall!.body!)).toMatchObject({ grant_type: 'client_credentials', client_id: clientId, scope: 'user_default' });
    const apiCalls = calls.filter((c) => c.path.startsWith('/api/'));
    expect(apiCalls.length).toBe(2);
    for (const call of apiCalls) expect(call.authorization).toMatch(/^Bearer eyJ/);
    // The token is fetched once and reused.
    expect(calls.filter((c) => c.path === '/oauth/token')).toHaveLength(1);
  });
});
