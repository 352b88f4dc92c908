/**
 * Contract testing as a consumer team does it, in one ordered file:
 *   1. consumer side: the admin frontend's API layer runs against Pact's mock server, which
 *      records the interactions (with provider states) into a pact file in a temp dir;
 *   2. provider side: Pact's Verifier replays that pact against the running mock, setting up
 *      each provider state through the mock's POST /__mock/provider-states;
 *   3. the committed example pacts/admin-frontend-qlik-oauth-clients.json is that same pact
 *      (regenerate with UPDATE_PACTS=1 npx vitest run test/pact).
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MatchersV3, PactV3, Verifier } from '@pact-foundation/pact';
import { startMock } from '../../src/index.js';
import { AdminFrontendApi, ApiProblem } from './admin-frontend.js';

const { eachLike, fromProviderState, regex, string } = MatchersV3;

const CONSUMER = 'admin-frontend';
const PROVIDER = 'qlik-oauth-clients';
const dir = mkdtempSync(join(tmpdir(), 'pact-admin-frontend-'));
const pactFile = join(dir, `${CONSUMER}-${PROVIDER}.json`);
const committed = new URL(`../../pacts/${CONSUMER}-${PROVIDER}.json`, import.meta.url);

const HEX32 = '^[0-9a-f]{32}$';
const EXAMPLE_ID = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const KNOWN_ID = 'b3ee66d6f21d1611efa89a425f656f6f';
const DATE_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$';
const auth = { Authorization: regex('^Bearer \\S+$', 'Bearer admin-token') };
const json = { 'Content-Type': regex('^application/json', 'application/json') };
const errorBody = (code: string) => ({ errors: eachLike({ code: regex(`^${code}$`, code), title: string('Error title') }) });

const pact = new PactV3({ consumer: CONSUMER, provider: PROVIDER, dir, logLevel: 'error' });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('consumer: the admin frontend against Pact’s mock server', () => {
  it('lists web clients with a filter', async () => {
    pact
      .given('a web client exists')
      .uponReceiving('a request to list web clients')
      .withRequest({ method: 'GET', path: '/api/core/oauth-clients', query: { filter: 'appType eq "web"', limit: '10' }, headers: auth })
      .willRespondWith({
        status: 200,
        headers: json,
        body: {
          data: eachLike({ clientId: regex(HEX32, EXAMPLE_ID), clientName: string('Reporting backend'), appType: regex('^web$', 'web') }),
          links: { self: { href: regex('^https?://[^/]+/api/core/oauth-clients\\?.*$', 'http://localhost:8080/api/core/oauth-clients?filter=appType+eq+%22web%22&limit=10') } },
        },
      });
    await pact.executeTest(async (server) => {
      const { clients, self } = await new AdminFrontendApi(server.url, 'admin-token').listClients({ filter: 'appType eq "web"', limit: 10 });
      expect(clients[0]).toEqual({ clientId: EXAMPLE_ID, clientName: 'Reporting backend', appType: 'web' });
      expect(self).toMatch(/^http/);
    });
  });

  it('shows an empty list', async () => {
    pact
      .given('no clients')
      .uponReceiving('a request to list clients when there are none')
      .withRequest({ method: 'GET', path: '/api/core/oauth-clients', headers: auth })
      .willRespondWith({ status: 200, headers: json, body: { data: [], links: { self: { href: string('http://localhost:8080/api/core/oauth-clients') } } } });
    await pact.executeTest(async (server) => {
      expect((await new AdminFrontendApi(server.url, 'admin-token').listClients()).clients).toEqual([]);
    });
  });

  it('opens one client', async () => {
    pact
      .given(`a client with id "${KNOWN_ID}" exists`, { appType: 'spa' })
      .uponReceiving('a request for one client')
      .withRequest({ method: 'GET', path: `/api/core/oauth-clients/${KNOWN_ID}`, headers: auth })
      .willRespondWith({
        status: 200,
        headers: json,
        body: {
          clientId: KNOWN_ID,
          appType: 'spa',
          clientName: string('Pact spa client'),
          allowedOrigins: eachLike('https://app.example.com'),
          createdAt: regex(DATE_TIME, '2025-11-06T14:30:00.123456Z'),
        },
      });
    await pact.executeTest(async (server) => {
      const client = await new AdminFrontendApi(server.url, 'admin-token').getClient(KNOWN_ID);
      expect(client).toMatchObject({ clientId: KNOWN_ID, appType: 'spa', allowedOrigins: ['https://app.example.com'] });
    });
  });

  it('reports a client that does not exist', async () => {
    pact
      .given('no clients')
      .uponReceiving('a request for a client that does not exist')
      .withRequest({ method: 'GET', path: `/api/core/oauth-clients/${EXAMPLE_ID}`, headers: auth })
      .willRespondWith({ status: 404, headers: json, body: errorBody('HTTP-404') });
    await pact.executeTest(async (server) => {
      await expect(new AdminFrontendApi(server.url, 'admin-token').getClient(EXAMPLE_ID)).rejects.toMatchObject({ status: 404, code: 'HTTP-404' });
    });
  });

  it('sends the user to sign in when there is no token', async () => {
    pact
      .uponReceiving('a request without a token')
      .withRequest({ method: 'GET', path: '/api/core/oauth-clients' })
      .willRespondWith({ status: 401, headers: json, body: errorBody('HTTP-401') });
    await pact.executeTest(async (server) => {
      const error = await new AdminFrontendApi(server.url, undefined).listClients().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiProblem);
      expect(error).toMatchObject({ status: 401, code: 'HTTP-401' });
    });
  });

  it('creates a web client and shows its first secret once', async () => {
    pact
      .given('no clients')
      .uponReceiving('a request to create a web client')
      .withRequest({
        method: 'POST',
        path: '/api/core/oauth-clients',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: { appType: 'web', clientName: 'Reporting backend', redirectUris: ['https://reporting.example.com/callback'], allowedScopes: ['user_default'] },
      })
      .willRespondWith({
        status: 201,
        headers: json,
        body: {
          clientId: regex(HEX32, EXAMPLE_ID),
          clientSecret: regex('^[0-9a-f]{64}$', 'a'.repeat(60) + '1b2c'),
          clientName: 'Reporting backend',
          appType: 'web',
          redirectUris: ['https://reporting.example.com/callback'],
          createdAt: regex(DATE_TIME, '2025-11-06T14:30:00.123456Z'),
        },
      });
    await pact.executeTest(async (server) => {
      const created = await new AdminFrontendApi(server.url, 'admin-token').createWebClient('Reporting backend', 'https://reporting.example.com/callback');
      expect(created.clientId).toBe(EXAMPLE_ID);
      expect(created.clientSecret).toHaveLength(64);
    });
  });

  it('renames a client', async () => {
    pact
      .given('a web client exists')
      .uponReceiving('a request to rename a client')
      .withRequest({
        method: 'PATCH',
        path: fromProviderState('/api/core/oauth-clients/${clientId}', `/api/core/oauth-clients/${EXAMPLE_ID}`),
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: [{ op: 'replace', path: '/clientName', value: 'Renamed backend' }],
      })
      .willRespondWith({ status: 204 });
    await pact.executeTest(async (server) => {
      await expect(new AdminFrontendApi(server.url, 'admin-token').renameClient(EXAMPLE_ID, 'Renamed backend')).resolves.toBeUndefined();
    });
  });

  it('deletes a client with the confirmation header', async () => {
    pact
      .given('a spa client exists')
      .uponReceiving('a request to delete a client')
      .withRequest({
        method: 'DELETE',
        path: fromProviderState('/api/core/oauth-clients/${clientId}', `/api/core/oauth-clients/${EXAMPLE_ID}`),
        headers: { ...auth, 'qlik-confirm-delete': fromProviderState('${clientId}', EXAMPLE_ID) },
      })
      .willRespondWith({ status: 204 });
    await pact.executeTest(async (server) => {
      await expect(new AdminFrontendApi(server.url, 'admin-token').deleteClient(EXAMPLE_ID)).resolves.toBeUndefined();
    });
  });

  it('creates a client secret', async () => {
    pact
      .given('a web client with 2 secrets')
      .uponReceiving('a request to create a client secret')
      .withRequest({
        method: 'POST',
        path: fromProviderState('/api/core/oauth-clients/${clientId}/client-secrets', `/api/core/oauth-clients/${EXAMPLE_ID}/client-secrets`),
        headers: auth,
      })
      .willRespondWith({
        status: 201,
        headers: json,
        body: {
          clientId: fromProviderState('${clientId}', EXAMPLE_ID),
          clientSecret: regex('^[0-9a-f]{64}$', 'b'.repeat(59) + '19f3e'),
          hint: regex('^[0-9a-f]{5}$', '19f3e'),
        },
      });
    await pact.executeTest(async (server) => {
      const secret = await new AdminFrontendApi(server.url, 'admin-token').createSecret(EXAMPLE_ID);
      expect(secret.hint).toBe(secret.clientSecret.slice(-5));
    });
  });

  it('tells the admin that a client cannot hold a sixth secret', async () => {
    pact
      .given('a web client with 5 secrets')
      .uponReceiving('a request to create a sixth client secret')
      .withRequest({
        method: 'POST',
        path: fromProviderState('/api/core/oauth-clients/${clientId}/client-secrets', `/api/core/oauth-clients/${EXAMPLE_ID}/client-secrets`),
        headers: auth,
      })
      .willRespondWith({ status: 409, headers: json, body: errorBody('HTTP-409') });
    await pact.executeTest(async (server) => {
      await expect(new AdminFrontendApi(server.url, 'admin-token').createSecret(EXAMPLE_ID)).rejects.toMatchObject({ status: 409, code: 'HTTP-409' });
    });
  });

  it('deletes a client secret by its hint', async () => {
    pact
      .given('a web client with 2 secrets')
      .uponReceiving('a request to delete a client secret')
      .withRequest({
        method: 'DELETE',
        path: fromProviderState('/api/core/oauth-clients/${clientId}/client-secrets/${hint}', `/api/core/oauth-clients/${EXAMPLE_ID}/client-secrets/19f3e`),
        headers: auth,
      })
      .willRespondWith({ status: 204 });
    await pact.executeTest(async (server) => {
      await expect(new AdminFrontendApi(server.url, 'admin-token').deleteSecret(EXAMPLE_ID, '9f3e')).resolves.toBeUndefined();
    });
  });

  it('wrote every interaction, with its provider states, to the pact file', () => {
    const written = JSON.parse(readFileSync(pactFile, 'utf8'));
    expect(written.consumer.name).toBe(CONSUMER);
    expect(written.interactions).toHaveLength(11);
    const secrets = written.interactions.find((i: any) => i.description === 'a request to create a sixth client secret');
    expect(secrets.providerStates).toEqual([{ name: 'a web client with 5 secrets' }]);
    expect(secrets.request.generators.path).toMatchObject({ type: 'ProviderState', expression: '/api/core/oauth-clients/${clientId}/client-secrets' });
  });
});

describe('provider: Pact’s Verifier replays the pact against the mock', () => {
  it('passes every interaction, provider states set up through /__mock/provider-states', async () => {
    const mock = await startMock({ port: 0, host: '127.0.0.1' });
    try {
      const output = await new Verifier({
        provider: PROVIDER,
        providerBaseUrl: mock.url,
        pactUrls: [pactFile],
        providerStatesSetupUrl: `${mock.url}/__mock/provider-states`,
        logLevel: 'error',
      }).verifyProvider();
      const report = JSON.parse(output);
      expect(report.result).toBe(true);
      expect(report.interactionResults).toHaveLength(11);
      expect(report.interactionResults.filter((r: any) => r.result !== 'OK').map((r: any) => r.description)).toEqual([]);
    } finally {
      await mock.close();
    }
  }, 60_000);
});

describe('the committed example pact', () => {
  it('is the pact this consumer test writes', () => {
    if (process.env.UPDATE_PACTS === '1') copyFileSync(pactFile, committed);
    const generated = JSON.parse(readFileSync(pactFile, 'utf8'));
    const example = JSON.parse(readFileSync(committed, 'utf8'));
    expect(example, 'pacts/ is stale: UPDATE_PACTS=1 npx vitest run test/pact').toEqual(generated);
  });
});
