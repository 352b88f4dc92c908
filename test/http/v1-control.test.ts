/**
 * Everything around the API knows the tenant API's operations: fault rules, rate limits (its
 * tiers), the journal, scenarios and provider states.
 */
import { describe, expect, it } from 'vitest';
import { systemEntropy } from '../../src/domain/ids.js';
import { API as CORE, OTHER_TENANT } from '../support/api.js';
import { controlMock, expectError } from './control-helpers.js';
import { EMPTY, spaClient } from './helpers.js';

const V1 = '/api/v1/oauth-clients';

describe('the control API and the tenant API', () => {
  it('a fault rule may name an operationId of either contract; a misspelt one is a 400', async () => {
    const { api, control } = await controlMock();
    expect((await control.post('/faults', { status: 503, operationId: 'readAllOAuthClients', times: 1 })).status).toBe(201);
    expect((await control.post('/faults', { status: 500, operationId: 'publishOAuthClient' })).status).toBe(201);
    const misspelt = await control.post('/faults', { status: 503, operationId: 'readAllOauthClients' });
    expectError(misspelt, 400, /"readAllOauthClients" is not an operation of the mock; one of /);
    for (const known of ['readAllOAuthClients', 'readAllOAuthClientsQCC', 'deleteConnectionConfig', 'issueOAuthToken']) expect(misspelt.body.errors[0].detail).toContain(`"${known}"`);
    // The v1 list is faulted; the core list (another operation) is not.
    expectError(await api.get(V1), 503);
    expect((await api.get(CORE)).status).toBe(200);
    expect((await api.get(V1)).status).toBe(200);
    const id = (await api.get(`${V1}?limit=1`)).body.data[0].clientId;
    expectError(await api.post(`${V1}/${id}/actions/publish`), 500);
    const journal = (await control.get('/requests')).body.requests;
    expect(journal.map((r: any) => [r.operationId, r.status, r.fault ?? null])).toEqual([
      ['readAllOAuthClients', 503, 'fault-1'],
      ['readAllOAuthClientsQCC', 200, null],
      ['readAllOAuthClients', 200, null],
      ['readAllOAuthClients', 200, null],
      ['publishOAuthClient', 500, 'fault-2'],
    ]);
  });

  it("rate limits follow the v1 document's tiers (publish is tier 2: 100 a minute)", async () => {
    const now = Date.UTC(2025, 5, 1, 12, 0, 0);
    const { api, control } = await controlMock({ ...EMPTY, rateLimits: true, entropy: { hex: systemEntropy.hex, now: () => now } });
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push((await api.post(V1, { body: spaClient({ clientName: `s${i}` }) })).body.clientId);
    for (let i = 0; i < 50; i++) expect((await api.post(`${V1}/${ids[i]}/actions/publish`)).status).toBe(201);
    expectError(await api.post(`${V1}/${ids[0]}/client-secrets`), 429);
    // Tier 1 has its own window.
    expect((await api.get(`${V1}/${ids[0]}/connection-configs/me`)).status).toBe(200);
    expect((await control.get('/requests?status=429')).body.requests.map((r: any) => r.operationId)).toEqual(['createOAuthClientSecret']);
  });

  it('a provider state can set up a published client, which other tenants then see', async () => {
    const { api, control } = await controlMock(EMPTY);
    const reply = await control.post('/provider-states', { state: 'a published spa client exists', params: {}, action: 'setup' });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ appType: 'spa', publishedAt: expect.stringMatching(/Z$/) });
    expect((await api.get(`${V1}/${reply.body.clientId}`, { token: OTHER_TENANT })).body.publishedAt).toBe(reply.body.publishedAt);
    expectError(await control.post('/provider-states', { state: 'a published anonymous-embed client exists', params: {} }), 400, /cannot be published/);
  });

  it('serves both contracts', async () => {
    const { control } = await controlMock();
    expect((await control.get('/openapi.json')).body.info.title).toBe('core/oauth-clients');
    const v1 = (await control.get('/openapi.v1.json')).body;
    expect(Object.keys(v1.paths)).toContain('/api/v1/oauth-clients/{id}/connection-configs/me');
    expect(v1.info.description).toMatch(/assembled/i);
  });
});
