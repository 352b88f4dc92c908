import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { withFormats } from '../../../src/contract/ajv.js';
import { loadScenarios, ScenarioError, SCENARIOS_DIR, scenarioJsonSchema } from '../../../src/faults/scenarios.js';
import { storedClient } from '../../support/stored-client.js';

const OPS = ['readAllOAuthClientsQCC', 'createOAuthClientQCC'];
const dirWith = (files: Record<string, unknown>): string => {
  const dir = mkdtempSync(join(tmpdir(), 'oauth-mock-scenarios-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
};
const client = { ...storedClient('c1'), clientName: 'A native app' };

describe('the shipped scenarios', () => {
  it('all load, and include the ones the issue asks for', () => {
    const scenarios = loadScenarios(SCENARIOS_DIR, ['readAllOAuthClientsQCC']);
    for (const name of ['empty', 'default', 'secret-limit-reached', 'service-unavailable', 'token-expired', 'flaky', 'slow', 'rate-limited', 'large-tenant']) {
      expect(scenarios.has(name), name).toBe(true);
      expect(scenarios.get(name)!.description.length).toBeGreaterThan(10);
    }
    expect(scenarios.get('large-tenant')!.data).toEqual({ kind: 'faker', count: 5000, seed: 7 });
    const limit = scenarios.get('secret-limit-reached')!.data;
    expect(limit?.kind === 'clients' && limit.snapshot.clients.filter((c) => c.appType === 'web' && c.secrets.length === 5)).toHaveLength(1);
  });
});

describe('loadScenarios', () => {
  it('reads every data form, identities, faults and rate limits', () => {
    const dir = dirWith({
      'a.json': { description: 'fixtures', data: 'fixtures' },
      'b.json': { description: 'own clients', data: { clients: [client] }, identities: { tokens: { t1: { userId: 'u', tenantId: 't', admin: true } } } },
      'c.json': { description: 'faker', data: { faker: { count: 3 } }, faults: [{ status: 503, times: 1 }], rateLimits: { tiers: { '1': 5 } } },
      'd.json': { description: 'no data', rateLimits: true },
      'notes.txt': 'ignored',
    });
    const scenarios = loadScenarios(dir, OPS);
    expect([...scenarios.keys()]).toEqual(['a', 'b', 'c', 'd']);
    expect(scenarios.get('a')!.data).toEqual({ kind: 'fixtures' });
    expect(scenarios.get('b')!.data).toMatchObject({ kind: 'clients', snapshot: { clients: [{ clientId: 'c1' }] } });
    expect(scenarios.get('b')!.identities?.tokens?.t1.tenantId).toBe('t');
    expect(scenarios.get('c')).toMatchObject({ data: { kind: 'faker', count: 3, seed: 1 }, faults: [{ status: 503, times: 1 }], rateLimits: { tiers: { '1': 5 } } });
    expect(scenarios.get('d')).toMatchObject({ data: undefined, faults: [], rateLimits: true });
  });

  const bad: [string, unknown, RegExp][] = [
    ['invalid JSON', '{"description": ', /Scenario "bad" \(.*bad\.json\) cannot be read as JSON: it is not valid JSON/],
    // The error says where, not what: a log line must not repeat a file's content.
    ['text that is not JSON', 'root:secret-looking-text:1', /cannot be read as JSON: it is not valid JSON( \(at position \d+\))?\.$/],
    ['a fault body nested 100 deep', `{"description":"x","faults":[{"status":503,"body":${'['.repeat(100)}${']'.repeat(100)}}]}`, /cannot be read as JSON: it nests arrays and objects more than 64 levels deep/],
    ['no description', { data: 'fixtures' }, /is invalid: scenario must have the property "description"/],
    ['an unknown field', { description: 'x', fault: [] }, /is invalid: scenario must not have the property "fault"/],
    ['an unknown data form', { description: 'x', data: 'default' }, /scenario\.data must be "fixtures"/],
    ['a bad client', { description: 'x', data: { clients: [{ ...client, appType: 'desktop' }] } }, /scenario\.data\.clients\[0\]\.appType must be one of/],
    ['a __proto__ key in a client', { description: 'x', data: { clients: [JSON.parse(`{"__proto__": {"admin": true}, ${JSON.stringify(client).slice(1)}`)] } }, /scenario\.data\.clients\[0\] must not have the property "__proto__"/],
    ['a faker count of 0', { description: 'x', data: { faker: { count: 0 } } }, /scenario\.data\.faker\.count must be >= 1/],
    ['a bad fault rule', { description: 'x', faults: [{ status: 503 }, { status: 503, probability: 2 }] }, /scenario\.faults\[1\]\.probability must be <= 1/],
    ['an unknown operationId', { description: 'x', faults: [{ status: 503, operationId: 'listClients' }] }, /scenario\.faults\[0\]\.operationId "listClients" is not an operation/],
    ['two faults with one id', { description: 'x', faults: [{ id: 'a', status: 503 }, { id: 'a', status: 500 }] }, /"a" already exists/],
    ['a bad identity', { description: 'x', identities: { tokens: { t: { userId: 'u', tenantId: 't' } } } }, /scenario\.identities\.tokens\.t must have the property "admin"/],
    ['bad rate limits', { description: 'x', rateLimits: { tiers: { '1': 0 } } }, /scenario\.rateLimits\.tiers\[1\] must be >= 1/],
    ['rate limits of the wrong type', { description: 'x', rateLimits: 'on' }, /scenario\.rateLimits must be true or/],
  ];
  it('refuses a scenario file that is not a regular file (a FIFO would block the read)', () => {
    const dir = dirWith({ 'good.json': { description: 'fine' } });
    execFileSync('mkfifo', [join(dir, 'pipe.json')]);
    expect(() => loadScenarios(dir, OPS)).toThrow(/pipe\.json is not a regular file/);
  });

  it.each(bad)('reports %s by scenario name, file and field', (_name, content, message) => {
    const dir = dirWith({ 'good.json': { description: 'fine' }, 'bad.json': content });
    expect(() => loadScenarios(dir, OPS)).toThrow(ScenarioError);
    expect(() => loadScenarios(dir, OPS)).toThrow(message);
    expect(() => loadScenarios(dir, OPS)).toThrow(join(dir, 'bad.json'));
  });

  it('refuses a file name that cannot be a scenario name', () => {
    expect(() => loadScenarios(dirWith({ 'Bad Name.json': { description: 'x' } }), OPS)).toThrow(/the name "Bad Name" must be lowercase/);
  });

  it('treats a missing folder as empty unless it was asked for', () => {
    expect(loadScenarios('/nonexistent/scenarios', OPS).size).toBe(0);
    expect(() => loadScenarios('/nonexistent/scenarios', OPS, true)).toThrow(/does not exist/);
  });
});

describe('scenarios/scenario.schema.json, the schema for editors', () => {
  const file = new URL('../../../scenarios/scenario.schema.json', import.meta.url);
  const folder = new URL('../../../scenarios/', import.meta.url);

  it('is the schema the mock composes from its own (regenerate with UPDATE_SCHEMA=1 npx vitest run test/unit/faults/scenarios.test.ts)', () => {
    const expected = `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
    if (process.env.UPDATE_SCHEMA) writeFileSync(file, expected);
    expect(readFileSync(file, 'utf8')).toBe(expected);
  });

  it('validates every bundled scenario, each of which names it in $schema, and catches a bad one', () => {
    const validate = withFormats(new Ajv({ strict: false, allErrors: true })).compile(JSON.parse(readFileSync(file, 'utf8')));
    const names = readdirSync(folder).filter((f) => f.endsWith('.json') && f !== 'scenario.schema.json');
    expect(names.length).toBeGreaterThanOrEqual(9);
    for (const name of names) {
      const scenario = JSON.parse(readFileSync(new URL(name, folder), 'utf8'));
      expect(scenario.$schema, name).toBe('./scenario.schema.json');
      expect(validate(scenario), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(validate({ description: 'x', faults: [{ status: 700 }] })).toBe(false);
    expect(validate({ description: 'x', data: { faker: { count: 0 } } })).toBe(false);
    expect(validate({ description: 'x', rateLimits: 'on' })).toBe(false);
  });

  it('is not itself read as a scenario', () => {
    expect(loadScenarios(fileURLToPath(folder), ['readAllOAuthClientsQCC', 'readAllOAuthClients']).has('scenario.schema')).toBe(false);
  });
});
