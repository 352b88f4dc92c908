import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/index.js';
import { controlOpenApi } from '../../src/control/openapi.js';
import { API } from '../support/api.js';
import { controlMock, expectError } from './control-helpers.js';
import { webClient } from './helpers.js';

describe('the control API', () => {
  it('GET /__mock/health answers 200 without a token', async () => {
    const { control } = await controlMock();
    const reply = await control.get('/health');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: 'ok', clients: 27 });
  });

  it('POST /__mock/reset restores data, identities, faults and journal as the mock started', async () => {
    const { api, control } = await controlMock();
    const { clientId } = (await api.post(API, { body: webClient() })).body;
    await control.post('/faults', { status: 503, operationId: 'readOAuthClientQCC' });
    await control.post('/scenarios/token-expired');
    await api.get(API);
    const reply = await control.post('/reset');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: 'reset', clients: 27, faults: 0 });
    expect((await control.get('/faults')).body.faults).toEqual([]);
    expect((await control.get('/requests')).body.requests).toEqual([]);
    expectError(await api.get(`${API}/${clientId}`), 404);
    expect((await api.get(`${API}?totalResults=true`)).body.totalResults).toBe(25);
  });

  it('GET /__mock/state exports all stored data and PUT replaces it', async () => {
    const { api, control } = await controlMock();
    const exported = (await control.get('/state')).body;
    expect(exported.version).toBe(1);
    expect(exported.clients).toHaveLength(27);
    expect(exported.clients[0]).toHaveProperty('tenantId');
    const one = { ...exported, clients: exported.clients.slice(0, 1) };
    const replaced = await control.put('/state', one);
    expect(replaced.body).toEqual({ clients: 1 });
    expect((await api.get(`${API}?totalResults=true`)).body.totalResults).toBe(1);
    expect((await control.get('/state')).body).toEqual(one);
    // New timestamps come after the loaded ones.
    const created = (await api.post(API, { body: webClient() })).body;
    expect(created.createdAt > one.clients[0].updatedAt).toBe(true);
  });

  it('PUT /__mock/state validates: bad input is 400 naming the field, and nothing changes', async () => {
    const { control } = await controlMock();
    const before = (await control.get('/state')).body;
    const broken = structuredClone(before);
    broken.clients[3].appType = 'desktop';
    expectError(await control.put('/state', broken), 400, /state\.clients\[3\]\.appType must be one of/);
    const extra = structuredClone(before);
    extra.clients[0].isAdmin = true;
    expectError(await control.put('/state', extra), 400, 'state.clients[0] must not have the property "isAdmin".');
    expectError(await control.put('/state', { version: 2, clients: [] }), 400, /state\.version/);
    expectError(await control.put('/state', '{"version":1,'), 400, /not valid JSON/);
    const twice = { version: 1, clients: [before.clients[0], before.clients[0]] };
    expectError(await control.put('/state', twice), 400, /appears twice/);
    expectError(await control.put('/state', { version: 1, clients: [{ ...before.clients[0], clientId: '..' }] }), 400, /state\.clients\[0\]\.clientId cannot be "\.\."/);
    // Also in two tenants: a client id names one client.
    const acrossTenants = { version: 1, clients: [before.clients[0], { ...before.clients[0], tenantId: `${before.clients[0].tenantId}x` }] };
    expectError(await control.put('/state', acrossTenants), 400, /clients\[1\]\.clientId "\w+" appears twice, in tenant "[\w-]+" and in tenant "[\w-]+x"; a client id is unique across tenants\./);
    expect((await control.get('/state')).body).toEqual(before);
  });

  it('answers unknown control routes with 404 and wrong methods with 405 and Allow, in the error shape', async () => {
    const { control } = await controlMock();
    expectError(await control.get('/nope'), 404, /control\.openapi\.json/);
    const patch = await control.call('PATCH', '/faults');
    expectError(patch, 405);
    expect(patch.headers.allow).toBe('GET, HEAD, POST, DELETE');
    expectError(await control.put('/openapi.json', {}), 405);
    const apply = await control.get('/scenarios/empty');
    expectError(apply, 405);
    expect(apply.headers.allow).toBe('POST');
    expectError(await control.get('/openapiXjson'), 404); // the dot is not a wildcard
  });

  it('serves its own OpenAPI document, describing every registered control route', async () => {
    const { app, control } = await controlMock();
    const reply = await control.get('/control.openapi.json');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(JSON.parse(JSON.stringify(controlOpenApi)));
    const routes = app.routes.filter((r) => r.path.startsWith('/__mock/') && r.method !== 'ALL' && !r.path.includes('*'));
    expect(routes.length).toBeGreaterThanOrEqual(16);
    for (const { method, path } of routes) {
      const documented = path.replace(/:(\w+)/g, '{$1}');
      expect(reply.body.paths[documented]?.[method.toLowerCase()], `${method} ${path}`).toBeDefined();
    }
    // …and documents nothing that is not served.
    const served = new Set(routes.map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`));
    for (const [path, item] of Object.entries<Record<string, unknown>>(reply.body.paths)) {
      for (const method of Object.keys(item).filter((k) => k !== 'parameters')) expect(served.has(`${method} ${path}`), `${method} ${path}`).toBe(true);
    }
  });
});

describe('control API bodies', () => {
  it('refuses a body declared over the control limit with a 413 in the error shape', async () => {
    const app = createApp();
    const response = await app.request('/__mock/faults', { method: 'POST', headers: { 'content-length': String(65 * 1024 * 1024) }, body: '{}' });
    expect(response.status).toBe(413);
    expect((await response.json()).errors[0].code).toBe('HTTP-413');
  });

  it('refuses JSON nested too deep with a 400', async () => {
    const app = createApp();
    const response = await app.request('/__mock/faults', { method: 'POST', body: '['.repeat(100) + ']'.repeat(100) });
    expect(response.status).toBe(400);
  });
});
