import { describe, expect, it } from 'vitest';
import { FaultEngine, FaultRuleConflict, FaultRuleError, MAX_RULES, MAX_TOTAL_PATH_STATES, type FaultRequest } from '../../../src/faults/engine.js';
import { mulberry32 } from '../../../src/faults/prng.js';

const OPS = ['readAllOAuthClientsQCC', 'readOAuthClientQCC', 'createOAuthClientQCC'];
const LIST: FaultRequest = { method: 'GET', path: '/api/core/oauth-clients', operationId: 'readAllOAuthClientsQCC', params: {}, header: () => undefined };
const READ = (id: string, headers: Record<string, string> = {}): FaultRequest => ({
  method: 'GET',
  path: `/api/core/oauth-clients/${id}`,
  operationId: 'readOAuthClientQCC',
  params: { id },
  header: (name) => headers[name],
});

describe('mulberry32', () => {
  it('repeats for a seed and differs between seeds', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect([c(), c(), c()]).not.toEqual(first);
    for (const x of first) expect(x >= 0 && x < 1).toBe(true);
  });
});

describe('FaultEngine', () => {
  it('counts generated ids from fault-1 again after resetTo, skipping the ids of the rules it keeps', () => {
    const engine = new FaultEngine(OPS);
    engine.add({ status: 503 });
    engine.add({ status: 502 });
    expect(engine.add({ status: 500 }).id).toBe('fault-3');
    engine.resetTo([]);
    expect(engine.add({ status: 503 }).id).toBe('fault-1');
    engine.resetTo([{ id: 'fault-1', status: 503 }]);
    expect(engine.add({ status: 502 }).id).toBe('fault-2');
  });

  it('applies only rules that name a namedOnly request (by operationId or path)', () => {
    const engine = new FaultEngine([...OPS, 'issueOAuthToken']);
    const token: FaultRequest = { method: 'POST', path: '/oauth/token', operationId: 'issueOAuthToken', params: {}, header: () => undefined, namedOnly: true };
    engine.add({ status: 503 });
    engine.add({ method: 'POST', status: 502 });
    expect(engine.decide(token)).toBeUndefined();
    engine.add({ path: '/oauth/token', status: 504, times: 1 });
    engine.add({ operationId: 'issueOAuthToken', status: 500 });
    expect(engine.decide(token)?.action).toMatchObject({ status: 504 });
    expect(engine.decide(token)?.action).toMatchObject({ status: 500 });
    expect(engine.decide(LIST)?.action).toMatchObject({ status: 503 });
  });

  it('is empty until a rule is added, and then decides', () => {
    const engine = new FaultEngine(OPS);
    expect(engine.isEmpty).toBe(true);
    expect(engine.decide(LIST)).toBeUndefined();
    const rule = engine.add({ status: 503 });
    expect(engine.isEmpty).toBe(false);
    expect(rule).toMatchObject({ id: 'fault-1', status: 503, hits: 0, remaining: null });
    expect(engine.decide(LIST)).toMatchObject({ ruleId: 'fault-1', action: { kind: 'respond', status: 503 }, delayMs: 0 });
  });

  it('counts `times` down and then stops, keeping the rule listed with its hits', () => {
    const engine = new FaultEngine(OPS);
    engine.add({ status: 503, operationId: 'readAllOAuthClientsQCC', times: 2 });
    expect(engine.decide(LIST)?.action).toBeDefined();
    expect(engine.decide(LIST)?.action).toBeDefined();
    expect(engine.decide(LIST)).toBeUndefined();
    expect(engine.list()).toEqual([expect.objectContaining({ hits: 2, remaining: 0, times: 2 })]);
  });

  it('targets by operationId, method, path glob, path regex, header and clientId', () => {
    const cases: [Record<string, unknown>, FaultRequest, FaultRequest][] = [
      [{ operationId: 'readOAuthClientQCC' }, READ('a'), LIST],
      [{ method: 'get' }, LIST, { ...LIST, method: 'POST', operationId: 'createOAuthClientQCC' }],
      [{ path: '/api/core/oauth-clients/*' }, READ('a'), LIST],
      [{ path: '/api/**' }, READ('a'), { ...LIST, path: '/other' }],
      [{ path: '/api/{core,v1}/oauth-clients/{*,*/client-secrets}' }, { ...READ('a'), path: '/api/v1/oauth-clients/a/client-secrets' }, LIST],
      [{ path: '^/api/v1/' }, { ...LIST, path: '/api/v1/oauth-clients' }, LIST],
      [{ header: { name: 'X-Test-Id', value: 't1' } }, READ('a', { 'x-test-id': 't1' }), READ('a', { 'x-test-id': 't2' })],
      [{ clientId: 'abc' }, READ('abc'), READ('abd')],
    ];
    for (const [target, hit, miss] of cases) {
      const engine = new FaultEngine(OPS);
      engine.add({ status: 500, ...target });
      expect(engine.decide(miss), JSON.stringify(target)).toBeUndefined();
      expect(engine.decide(hit)?.ruleId, JSON.stringify(target)).toBe('fault-1');
    }
  });

  it('requires every given criterion to match', () => {
    const engine = new FaultEngine(OPS);
    engine.add({ status: 500, operationId: 'readOAuthClientQCC', clientId: 'abc' });
    expect(engine.decide(READ('abd'))).toBeUndefined();
    expect(engine.decide(LIST)).toBeUndefined();
    expect(engine.decide(READ('abc'))).toBeDefined();
  });

  it('evaluates in creation order: the first firing rule wins, latency rules before it add up', () => {
    const engine = new FaultEngine(OPS);
    engine.add({ id: 'slow1', delayMs: 10 });
    engine.add({ id: 'slow2', delayMs: 5, operationId: 'readAllOAuthClientsQCC' });
    engine.add({ id: 'first', status: 503, times: 1 });
    engine.add({ id: 'second', status: 500 });
    engine.add({ id: 'after', delayMs: 1000 });
    expect(engine.decide(LIST)).toEqual({ delayMs: 15, ruleId: 'first', action: expect.objectContaining({ status: 503 }), fired: ['slow1', 'slow2', 'first'] });
    expect(engine.decide(LIST)).toMatchObject({ delayMs: 15, ruleId: 'second' });
    expect(engine.decide(READ('x'))).toMatchObject({ delayMs: 10, ruleId: 'second' });
    expect(engine.get('after')?.hits).toBe(0);
  });

  it('lets a latency-only decision through without an action', () => {
    const engine = new FaultEngine(OPS);
    engine.add({ delayMs: 20 });
    expect(engine.decide(LIST)).toEqual({ delayMs: 20, fired: ['fault-1'] });
  });

  it('fires a probability rule on a repeatable share of matching requests', () => {
    const run = (seed: number) => {
      const engine = new FaultEngine(OPS);
      engine.add({ status: 503, probability: 0.3, seed });
      return Array.from({ length: 1000 }, () => (engine.decide(LIST) ? 1 : 0));
    };
    const a = run(7);
    expect(run(7)).toEqual(a);
    expect(run(8)).not.toEqual(a);
    const share = a.reduce((s: number, x) => s + x, 0) / a.length;
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.35);
  });

  it('draws only for matching requests, so other traffic does not shift the sequence', () => {
    const sequence = (noise: boolean) => {
      const engine = new FaultEngine(OPS);
      engine.add({ status: 503, probability: 0.5, seed: 3, operationId: 'readAllOAuthClientsQCC' });
      const out: boolean[] = [];
      for (let i = 0; i < 50; i++) {
        if (noise) engine.decide(READ('x'));
        out.push(engine.decide(LIST) !== undefined);
      }
      return out;
    };
    expect(sequence(true)).toEqual(sequence(false));
  });

  it('combines probability and times: at most N, only when the draw fires', () => {
    const engine = new FaultEngine(OPS);
    engine.add({ status: 503, probability: 0.5, times: 3 });
    let fired = 0;
    for (let i = 0; i < 100; i++) if (engine.decide(LIST)) fired++;
    expect(fired).toBe(3);
  });

  it('probability 0 never fires, 1 always does', () => {
    const engine = new FaultEngine(OPS);
    engine.add({ status: 500, probability: 0 });
    engine.add({ status: 503, probability: 1 });
    for (let i = 0; i < 20; i++) expect(engine.decide(LIST)?.ruleId).toBe('fault-2');
  });

  it('builds the actions of each fault kind', () => {
    const engine = new FaultEngine(OPS);
    engine.add({ id: 'r', connection: 'reset', clientId: 'r' });
    engine.add({ id: 'm', connection: 'malformed-json', clientId: 'm' });
    engine.add({ id: 'b', status: 418, headers: { 'x-a': '1' }, body: { custom: true }, clientId: 'b' });
    expect(engine.decide(READ('r'))?.action).toEqual({ kind: 'reset' });
    expect(engine.decide(READ('m'))?.action).toEqual({ kind: 'malformed-json', status: 200, headers: {}, body: undefined });
    expect(engine.decide(READ('b'))?.action).toEqual({ kind: 'respond', status: 418, headers: { 'x-a': '1' }, body: { custom: true } });
  });

  it('removes one rule or all', () => {
    const engine = new FaultEngine(OPS);
    engine.add({ id: 'a', status: 500 });
    engine.add({ id: 'b', status: 503 });
    expect(engine.remove('a')).toBe(true);
    expect(engine.remove('a')).toBe(false);
    expect(engine.decide(LIST)?.ruleId).toBe('b');
    engine.clear();
    expect(engine.isEmpty).toBe(true);
  });

  it('refuses a taken id, and generated ids skip taken ones', () => {
    const engine = new FaultEngine(OPS);
    engine.add({ id: 'fault-1', status: 500 });
    expect(() => engine.add({ id: 'fault-1', status: 500 })).toThrow(FaultRuleConflict);
    expect(engine.add({ status: 500 }).id).toBe('fault-2');
  });

  it('replaceAll validates everything first and changes nothing on a bad rule', () => {
    const engine = new FaultEngine(OPS);
    engine.add({ id: 'keep', status: 500 });
    expect(() => engine.replaceAll([{ status: 503 }, { status: 99 }])).toThrow(/faults\[1\]\.status/);
    expect(engine.list().map((r) => r.id)).toEqual(['keep']);
    expect(() => engine.replaceAll([{ id: 'x', status: 503 }, { id: 'x', status: 500 }])).toThrow(FaultRuleConflict);
    expect(engine.list().map((r) => r.id)).toEqual(['keep']);
    engine.replaceAll([{ id: 'keep', status: 503, times: 1 }]);
    expect(engine.list()).toEqual([expect.objectContaining({ id: 'keep', status: 503, remaining: 1 })]);
  });

  it('restores definitions with fresh counters', () => {
    const engine = new FaultEngine(OPS);
    engine.add({ status: 503, times: 1 });
    engine.decide(LIST);
    engine.replaceAll(engine.definitions());
    expect(engine.list()).toEqual([expect.objectContaining({ id: 'fault-1', hits: 0, remaining: 1 })]);
  });

  it('surfaces validation errors as FaultRuleError', () => {
    expect(() => new FaultEngine(OPS).add({ status: 'x' })).toThrow(FaultRuleError);
  });

  it('holds at most MAX_RULES rules, by add and by replaceAll', () => {
    const engine = new FaultEngine(OPS);
    for (let i = 0; i < MAX_RULES; i++) engine.add({ status: 503, clientId: `c${i}` });
    expect(() => engine.add({ status: 503 })).toThrow(new RegExp(`rule would make ${MAX_RULES + 1} fault rules; at most ${MAX_RULES}`));
    expect(engine.list()).toHaveLength(MAX_RULES);
    engine.clear();
    const many = Array.from({ length: MAX_RULES + 1 }, () => ({ status: 503 }));
    expect(() => engine.replaceAll(many)).toThrow(FaultRuleError);
    expect(engine.isEmpty).toBe(true);
    expect(engine.replaceAll(many.slice(1))).toHaveLength(MAX_RULES);
  });

  it('bounds the path automata of all rules together, so no request costs more than one big pattern', () => {
    const engine = new FaultEngine(OPS);
    // 3,001 states each (`(.*a){1000}`): three fit in the budget, a fourth does not.
    const big = { status: 503, path: '^/api/core/oauth-clients/(.*a){1000}$' };
    for (let i = 0; i < 3; i++) engine.add(big);
    expect(() => engine.add(big)).toThrow(new RegExp(`rule would bring the path patterns of the fault rules to 12004 automaton states; at most ${MAX_TOTAL_PATH_STATES}`));
    expect(engine.list()).toHaveLength(3);
    // Small patterns still fit, and a literal path costs nothing.
    engine.add({ status: 503, path: '/api/*/oauth-clients/{a,b}*' });
    engine.add({ status: 503, path: '/api/core/oauth-clients' });
    expect(() => engine.replaceAll([big, big, big, big], 'faults')).toThrow(/^faults would bring the path patterns/);
    expect(engine.list()).toHaveLength(5);
  });
});
