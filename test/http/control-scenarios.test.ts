import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/index.js';
import { API } from '../support/api.js';
import { controlMock, expectError } from './control-helpers.js';
import { webClient } from './helpers.js';

const LIMIT_CLIENT = 'b5f0e1c2d3a4958677a8b9cadbecfd05';
const FIXTURE = '20ba0ecf013ffb6bf5b711761f6c39ec';
const SHIPPED = ['default', 'empty', 'flaky', 'large-tenant', 'rate-limited', 'secret-limit-reached', 'service-unavailable', 'slow', 'token-expired'];

/** One request per operation of the contract, for "every API call". */
const everyOperation = (clientId: string) =>
  [
    ['GET', API],
    ['POST', API, webClient()],
    ['GET', `${API}/${clientId}`],
    ['PATCH', `${API}/${clientId}`, [{ op: 'replace', path: '/clientName', value: 'x' }]],
    ['DELETE', `${API}/${clientId}`],
    ['POST', `${API}/${clientId}/client-secrets`],
    ['DELETE', `${API}/${clientId}/client-secrets/abcd`],
  ] as const;

const scenarioDir = (files: Record<string, unknown>) => {
  const dir = mkdtempSync(join(tmpdir(), 'oauth-mock-scenarios-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, `${name}.json`), JSON.stringify(content));
  return dir;
};

describe('scenarios over the control API', () => {
  it('GET /__mock/scenarios lists the shipped scenarios with what they hold', async () => {
    const { control } = await controlMock();
    const { scenarios } = (await control.get('/scenarios')).body;
    expect(scenarios.map((s: any) => s.name)).toEqual(SHIPPED);
    expect(scenarios.find((s: any) => s.name === 'large-tenant')).toMatchObject({ data: 'faker', faults: 0, rateLimits: false });
    expect(scenarios.find((s: any) => s.name === 'flaky')).toMatchObject({ data: 'unchanged', faults: 1 });
    expect(scenarios.find((s: any) => s.name === 'rate-limited')).toMatchObject({ rateLimits: true });
    for (const s of scenarios) expect(s.description.length, s.name).toBeGreaterThan(20);
  });

  it('empty and default replace the data', async () => {
    const { api, control } = await controlMock();
    const applied = await control.post('/scenarios/empty');
    expect(applied.body).toEqual({ scenario: 'empty', clients: 0, faults: [] });
    expect((await api.get(`${API}?totalResults=true`)).body.totalResults).toBe(0);
    await control.post('/scenarios/default');
    expect((await api.get(`${API}?totalResults=true`)).body.totalResults).toBe(25);
  });

  it('secret-limit-reached: a web client holding 5 secrets; a sixth is 409', async () => {
    const { api, control } = await controlMock();
    await control.post('/scenarios/secret-limit-reached');
    const client = (await api.get(`${API}/${LIMIT_CLIENT}`)).body;
    expect(client.appType).toBe('web');
    expect(client.clientSecrets.map((s: any) => s.hint)).toEqual(['9d123', '25b05', '9f84b', '308af', '8823f']);
    expectError(await api.post(`${API}/${LIMIT_CLIENT}/client-secrets`), 409);
    expect((await api.delete(`${API}/${LIMIT_CLIENT}/client-secrets/9d123`)).status).toBe(204);
    expect((await api.post(`${API}/${LIMIT_CLIENT}/client-secrets`)).status).toBe(201);
  });

  it('service-unavailable: every API call is 503, until reset', async () => {
    const { api, control } = await controlMock();
    await control.post('/scenarios/service-unavailable');
    for (const [method, path, body] of everyOperation(FIXTURE)) {
      const reply = await api.call(method, path, { body, headers: { 'qlik-confirm-delete': FIXTURE } });
      expectError(reply, 503);
    }
    expect((await control.get('/health')).status).toBe(200);
    await control.post('/reset');
    expect((await api.get(API)).status).toBe(200);
  });

  it('token-expired: every API call is 401 with an invalid_token challenge', async () => {
    const { api, control } = await controlMock();
    await control.post('/scenarios/token-expired');
    for (const [method, path, body] of everyOperation(FIXTURE)) {
      const reply = await api.call(method, path, { body, headers: { 'qlik-confirm-delete': FIXTURE } });
      expectError(reply, 401);
      expect(reply.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    }
  });

  it('flaky: a repeatable share of calls is 503, the same sequence every time it is applied', async () => {
    const { api, control } = await controlMock();
    const run = async () => {
      await control.post('/scenarios/flaky');
      const out: number[] = [];
      for (let i = 0; i < 60; i++) out.push((await api.get(`${API}?limit=1`)).status);
      return out;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    const share = first.filter((s) => s === 503).length / first.length;
    expect(share).toBeGreaterThan(0.1);
    expect(share).toBeLessThan(0.5);
    expect(first).toContain(200);
  });

  it('slow: calls are delayed and then answered normally', async () => {
    const { api, control } = await controlMock();
    await control.post('/scenarios/slow');
    const started = performance.now();
    expect((await api.get(`${API}?limit=1`)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('rate-limited: low limits per identity, then 429 with retry-after', async () => {
    const { api, control } = await controlMock();
    await control.post('/scenarios/rate-limited');
    for (let i = 0; i < 10; i++) expect((await api.get(`${API}?limit=1`)).status).toBe(200);
    const limited = await api.get(`${API}?limit=1`);
    expectError(limited, 429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.body.errors[0].detail).toBe(`You need to wait ${limited.headers['retry-after']} seconds until limit is lifted.`);
    for (let i = 0; i < 3; i++) expect((await api.post(`${API}/${FIXTURE}/client-secrets`)).status).not.toBe(429);
    expect((await api.post(API, { body: webClient() })).status).toBe(429);
    expect((await api.get(API, { token: 'other-tenant-admin-token' })).status).toBe(200); // another identity
  });

  it('large-tenant: thousands of faker clients, the same on every run', async () => {
    const first = await controlMock();
    await first.control.post('/scenarios/large-tenant');
    const page = (await first.api.get(`${API}?limit=5&totalResults=true`)).body;
    expect(page.totalResults).toBe(5000);
    const second = await controlMock({ scenario: 'large-tenant' });
    expect((await second.api.get(`${API}?limit=5`)).body.data).toEqual(page.data);
  });

  it('answers 404 for an unknown scenario and changes nothing', async () => {
    const { api, control } = await controlMock();
    expectError(await control.post('/scenarios/nope'), 404, /available: default, empty/);
    expect((await api.get(`${API}?totalResults=true`)).body.totalResults).toBe(25);
  });

  it('replaces the fault rules of the previous scenario and of POST /__mock/faults', async () => {
    const { api, control } = await controlMock();
    await control.post('/faults', { status: 500 });
    await control.post('/scenarios/service-unavailable');
    expect((await control.get('/faults')).body.faults.map((f: any) => f.id)).toEqual(['service-unavailable']);
    await control.post('/scenarios/default');
    expect((await control.get('/faults')).body.faults).toEqual([]);
    expect((await api.get(API)).status).toBe(200);
  });
});

describe('a scenario at start (MockOptions.scenario, SCENARIO)', () => {
  it('starts with its data and its faults, and reset goes back to it', async () => {
    const { api, control } = await controlMock({ scenario: 'secret-limit-reached' });
    expect((await api.get(`${API}?totalResults=true`)).body.totalResults).toBe(1);
    await api.delete(`${API}/${LIMIT_CLIENT}`, { headers: { 'qlik-confirm-delete': LIMIT_CLIENT } });
    await control.post('/reset');
    expect((await api.get(`${API}/${LIMIT_CLIENT}`)).status).toBe(200);
  });

  it('a fault scenario at start keeps the default data, and reset restores its rules with fresh counters', async () => {
    const dir = scenarioDir({ twice: { description: 'the first two list calls fail', faults: [{ id: 'two', status: 503, operationId: 'readAllOAuthClientsQCC', times: 2 }] } });
    const { api, control } = await controlMock({ scenario: 'twice', scenariosDir: dir });
    const run = async () => [(await api.get(API)).status, (await api.get(API)).status, (await api.get(API)).status];
    expect(await run()).toEqual([503, 503, 200]);
    await control.post('/reset');
    expect((await control.get('/faults')).body.faults).toEqual([expect.objectContaining({ id: 'two', hits: 0, remaining: 2 })]);
    expect(await run()).toEqual([503, 503, 200]);
    expect((await api.get(`${API}?totalResults=true`)).body.totalResults).toBe(25);
  });

  it('an unknown scenario name fails at start, naming the available ones', () => {
    expect(() => createApp({ scenario: 'nope' })).toThrow(/Unknown scenario "nope"; available: default, empty/);
  });

  it('an invalid scenario file fails at start, by name and field, even when another is asked for', () => {
    const dir = scenarioDir({ good: { description: 'fine' }, broken: { description: 'x', faults: [{ status: 503, times: -1 }] } });
    expect(() => createApp({ scenario: 'good', scenariosDir: dir })).toThrow(/Scenario "broken" \(.*broken\.json\) is invalid: scenario\.faults\[0\]\.times must be >= 1/);
    expect(() => createApp({ scenariosDir: dir })).toThrow(/broken/);
  });

  it('a scenario folder that does not exist fails at start', () => {
    expect(() => createApp({ scenariosDir: join(tmpdir(), 'no-such-scenarios-dir') })).toThrow(/does not exist/);
  });
});

describe('scenario identities', () => {
  it('adds tokens (and may replace the default identity) until another scenario is applied', async () => {
    const dir = scenarioDir({
      readers: {
        description: 'a token that is not an admin, and a second tenant',
        identities: {
          tokens: {
            'reader-token': { userId: 'u-reader', tenantId: 'xqFQ0k66vSR8f9G7J-vYtHZQkiYrCpct', admin: false },
            'fresh-tenant-token': { userId: 'u-fresh', tenantId: 'fresh-tenant', admin: true },
          },
        },
      },
      plain: { description: 'nothing' },
    });
    const { api, control } = await controlMock({ scenariosDir: dir });
    expect((await api.get(API, { token: 'reader-token' })).status).toBe(200); // unknown tokens act as the owner
    await control.post('/scenarios/readers');
    expectError(await api.get(API, { token: 'reader-token' }), 403);
    expect((await api.get(`${API}?totalResults=true`, { token: 'fresh-tenant-token' })).body.totalResults).toBe(0);
    expectError(await api.get(API, { token: 'non-admin-token' }), 403); // the starting tokens stay
    await control.post('/scenarios/plain');
    expect((await api.get(API, { token: 'reader-token' })).status).toBe(200);
  });
});
