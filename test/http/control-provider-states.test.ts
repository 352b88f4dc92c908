import { describe, expect, it } from 'vitest';
import { API } from '../support/api.js';
import { OTHER_TENANT as OTHER_TENANT_ID } from '../support/model.js';
import { controlMock, expectError } from './control-helpers.js';

const ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

describe('Pact provider states', () => {
  it('the current body {state, params, action: setup}: no clients', async () => {
    const { api, control } = await controlMock();
    const reply = await control.post('/provider-states', { state: 'no clients', params: {}, action: 'setup' });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({});
    expect((await api.get(`${API}?totalResults=true`)).body.totalResults).toBe(0);
  });

  it('the legacy body {consumer, state, params} (no action = setup): a client with a given id', async () => {
    const { api, control } = await controlMock();
    const reply = await control.post('/provider-states', { consumer: 'admin-ui', state: 'a client exists', params: { clientId: ID } });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ clientId: ID, appType: 'web' });
    const client = (await api.get(`${API}/${ID}`)).body;
    expect(client).toMatchObject({ clientId: ID, appType: 'web' });
  });

  it('the legacy body with a `states` list', async () => {
    const { api, control } = await controlMock();
    const reply = await control.post('/provider-states', { consumer: 'admin-ui', states: ['no clients', `a spa client with id ${ID} exists`] });
    expect(reply.body).toMatchObject({ clientId: ID, appType: 'spa' });
    expect((await api.get(`${API}?totalResults=true`)).body.totalResults).toBe(1);
  });

  it('takes the id and appType from the state text or from params (params win)', async () => {
    const { api, control } = await controlMock();
    await control.post('/provider-states', { state: `a native client with id ${ID} exists`, action: 'setup' });
    expect((await api.get(`${API}/${ID}`)).body.appType).toBe('native');
    await control.post('/provider-states', { state: 'a client exists', params: { clientId: ID, appType: 'anonymous-embed', clientName: 'Embed' } });
    expect((await api.get(`${API}/${ID}`)).body).toMatchObject({ appType: 'anonymous-embed', clientName: 'Embed' });
  });

  it('a web client with N secrets, returning its id, hints and secrets for fromProviderState', async () => {
    const { api, control } = await controlMock();
    const reply = await control.post('/provider-states', { state: 'a web client with 5 secrets', params: {}, action: 'setup' });
    expect(reply.status).toBe(200);
    const { clientId, secretHints, clientSecrets, hint } = reply.body;
    expect(clientId).toMatch(/^[0-9a-f]{32}$/);
    expect(secretHints).toHaveLength(5);
    expect(new Set(secretHints).size).toBe(5);
    expect(hint).toBe(secretHints[0]);
    expect(clientSecrets.map((s: string) => s.slice(-5))).toEqual(secretHints);
    const client = (await api.get(`${API}/${clientId}`)).body;
    expect(client.clientSecrets.map((s: any) => s.hint)).toEqual(secretHints);
    expectError(await api.post(`${API}/${clientId}/client-secrets`), 409);
    expect((await api.delete(`${API}/${clientId}/client-secrets/${hint}`)).status).toBe(204);

    const two = await control.post('/provider-states', { state: 'a web client with secrets', params: { secrets: 2, clientId: ID } });
    expect(two.body.secretHints).toHaveLength(2);
  });

  it('a client id is unique across tenants: a state naming it in another tenant moves it there, and its secret gets a token', async () => {
    const { api, control } = await controlMock();
    const other = OTHER_TENANT_ID;
    const first = await control.post('/provider-states', { state: 'a web client exists', params: { clientId: ID, tenantId: other, secrets: 1 } });
    const second = await control.post('/provider-states', { state: 'a web client exists', params: { clientId: ID, secrets: 1 } });
    expect(first.body.tenantId).toBe(other);
    expect(second.body.tenantId).not.toBe(other);
    const holders = (await control.get('/state')).body.clients.filter((c: any) => c.clientId === ID).map((c: any) => c.tenantId);
    expect(holders).toEqual([second.body.tenantId]);
    const issued = await api.post('/oauth/token', { token: null, body: { grant_type: 'client_credentials', client_id: ID, client_secret: second.body.clientSecrets[0] } });
    expect(issued.status).toBe(200);
  });

  it('is idempotent: a retried setup gives the same ids and one client', async () => {
    const { api, control } = await controlMock();
    await control.post('/provider-states', { state: 'no clients' });
    const body = { state: 'a web client with 3 secrets', params: { clientName: 'Retry me' }, action: 'setup' };
    const first = (await control.post('/provider-states', body)).body;
    const second = (await control.post('/provider-states', body)).body;
    expect(second).toEqual(first);
    expect((await api.get(`${API}?totalResults=true`)).body.totalResults).toBe(1);
    expect((await api.get(`${API}/${first.clientId}`)).body.clientSecrets).toHaveLength(3);
    expect((await control.post('/provider-states', { state: 'no clients' })).status).toBe(200);
    expect((await control.post('/provider-states', { state: 'no clients' })).status).toBe(200);
  });

  it('teardown removes the client a setup created; teardown of other states changes nothing', async () => {
    const { api, control } = await controlMock();
    const body = { state: 'a client exists', params: { clientId: ID } };
    await control.post('/provider-states', { ...body, action: 'setup' });
    expect((await control.post('/provider-states', { ...body, action: 'teardown' })).status).toBe(200);
    expectError(await api.get(`${API}/${ID}`), 404);
    expect((await control.post('/provider-states', { ...body, action: 'teardown' })).status).toBe(200); // again: still fine
    const derived = (await control.post('/provider-states', { state: 'a web client with 2 secrets' })).body.clientId;
    await control.post('/provider-states', { state: 'a web client with 2 secrets', action: 'teardown' });
    expectError(await api.get(`${API}/${derived}`), 404);
    const before = (await api.get(`${API}?totalResults=true`)).body.totalResults;
    await control.post('/provider-states', { state: 'no clients', action: 'teardown' });
    expect((await api.get(`${API}?totalResults=true`)).body.totalResults).toBe(before);
  });

  it('applies a scenario by name', async () => {
    const { api, control } = await controlMock();
    const reply = await control.post('/provider-states', { state: 'scenario secret-limit-reached' });
    expect(reply.body).toEqual({ scenario: 'secret-limit-reached', clients: 1 });
    await control.post('/provider-states', { state: 'scenario', params: { name: 'empty' } });
    expect((await api.get(`${API}?totalResults=true`)).body.totalResults).toBe(0);
    await control.post('/provider-states', { state: 'service-unavailable' });
    expectError(await api.get(API), 503);
    await control.post('/provider-states', { state: 'default state' });
    expect((await api.get(API)).status).toBe(200);
  });

  it('answers a call without a state (an interaction that has none) with 200 and changes nothing', async () => {
    const { api, control } = await controlMock();
    for (const body of [{ action: 'setup', params: {}, state: '' }, { state: null }, { consumer: 'admin-ui', states: [] }, { action: 'teardown', params: {}, state: '' }]) {
      const reply = await control.post('/provider-states', body);
      expect(reply.status, JSON.stringify(body)).toBe(200);
      expect(reply.body).toEqual({});
    }
    expect((await api.get(`${API}?totalResults=true`)).body.totalResults).toBe(25);
  });

  it('answers an unknown state with 400 (verifiers retry 5xx), naming the known ones, and changes nothing', async () => {
    const { api, control } = await controlMock();
    const reply = await control.post('/provider-states', { state: 'a unicorn exists', params: {}, action: 'setup' });
    expectError(reply, 400, /Unknown provider state "a unicorn exists"\. Known states: "no clients", "a client exists"/);
    const both = await control.post('/provider-states', { states: ['no clients', 'a unicorn exists'] });
    expectError(both, 400);
    expect((await api.get(`${API}?totalResults=true`)).body.totalResults).toBe(25);
    expectError(await control.post('/provider-states', { state: 'scenario nope' }), 400, /Unknown scenario "nope"/);
  });

  it('answers bad bodies and params with 400', async () => {
    const { control } = await controlMock();
    expectError(await control.post('/provider-states', []), 400, /JSON object/);
    expectError(await control.post('/provider-states', { params: {} }), 400, /must name a "state"/);
    expectError(await control.post('/provider-states', { states: ['no clients', ''] }), 400, /non-empty string/);
    expectError(await control.post('/provider-states', { state: 42 }), 400, /non-empty string/);
    expectError(await control.post('/provider-states', { state: 'no clients', action: 'cleanup' }), 400, /action must be/);
    expectError(await control.post('/provider-states', { state: 'no clients', params: [] }), 400, /params must be a JSON object/);
    expectError(await control.post('/provider-states', { state: 'a web client with 6 secrets' }), 400, /params\.secrets/);
    expectError(await control.post('/provider-states', { state: 'a client exists', params: { appType: 'desktop' } }), 400, /params\.appType/);
    expectError(await control.post('/provider-states', { state: 'a spa client exists', params: { secrets: 1 } }), 400, /Only web clients/);
    for (const clientId of ['.', '..']) expectError(await control.post('/provider-states', { state: 'a client exists', params: { clientId } }), 400, /params\.clientId cannot be "\.\.?": .* resolved away by URL parsing/);
    // Too long is said so, not "empty".
    expectError(await control.post('/provider-states', { state: 'a client exists', params: { clientName: 'a'.repeat(600) } }), 400, /params\.clientName must be a non-empty string of at most 512 characters; it has 600\./);
    expectError(await control.post('/provider-states', { state: 'a client exists', params: { clientName: '' } }), 400, /params\.clientName must be a non-empty string of at most 512 characters\.$/);
  });
});
