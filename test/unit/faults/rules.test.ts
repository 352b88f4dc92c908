import { describe, expect, it } from 'vitest';
import { compilePathPattern, FaultRuleError, parseFaultRule } from '../../../src/faults/rules.js';

const OPS = ['readAllOAuthClientsQCC', 'readOAuthClientQCC'];
const parse = (input: unknown) => parseFaultRule(input, OPS);

describe('parseFaultRule', () => {
  it('accepts the simplest rule exactly as the issue writes it', () => {
    expect(parse({ status: 503, operationId: 'readAllOAuthClientsQCC', times: 2 })).toEqual({ status: 503, operationId: 'readAllOAuthClientsQCC', times: 2 });
  });

  it('normalizes the method to upper case', () => {
    expect(parse({ status: 500, method: 'patch' }).method).toBe('PATCH');
  });

  const bad: [string, unknown, RegExp][] = [
    ['a non-object', [], /rule must be object/],
    ['an unknown field (a typo)', { status: 503, time: 2 }, /rule must not have the property "time"/],
    ['nothing to do', { operationId: 'readAllOAuthClientsQCC' }, /give "status", "delayMs" or "connection"/],
    ['a 2xx status', { status: 200 }, /rule\.status must be an error status/],
    ['a status over 599', { status: 600 }, /rule\.status must be <= 599/],
    ['a fractional status', { status: 503.5 }, /rule\.status must be integer/],
    ['times 0', { status: 503, times: 0 }, /rule\.times must be >= 1/],
    ['a probability over 1', { status: 503, probability: 1.5 }, /rule\.probability must be <= 1/],
    ['a seed without probability', { status: 503, seed: 4 }, /rule\.seed only makes sense/],
    ['a delay over a minute', { delayMs: 60_001 }, /rule\.delayMs must be <= 60000/],
    ['a negative delay', { delayMs: -1 }, /rule\.delayMs must be >= 0/],
    ['an unknown connection fault', { connection: 'timeout' }, /rule\.connection must be one of "reset", "malformed-json"/],
    ['reset with a status', { connection: 'reset', status: 503 }, /rule\.status cannot be combined with connection "reset"/],
    ['reset with headers', { connection: 'reset', headers: { a: 'b' } }, /rule\.headers cannot be combined/],
    ['malformed-json with an object body', { connection: 'malformed-json', body: { a: 1 } }, /rule\.body must be a string/],
    ['a body without status', { delayMs: 5, body: 'x' }, /rule\.body needs a "status"/],
    ['headers without status', { delayMs: 5, headers: { a: 'b' } }, /rule\.headers needs a "status"/],
    ['a non-string header value', { status: 503, headers: { a: 1 } }, /rule\.headers\.a must be string/],
    ['a reserved header', { status: 503, headers: { 'Content-Length': '4' } }, /rule\.headers\.Content-Length is computed by the server/],
    ['an unknown operationId', { status: 503, operationId: 'readAll' }, /rule\.operationId "readAll" is not an operation of the mock/],
    ['a bad regex path', { status: 503, path: '^/api/(' }, /^rule\.path is not a valid regular expression: the "\(" at character 7 is never closed\.$/],
    ['a regex path the linear-time engine refuses', { status: 503, path: '^/api/(a)\\1' }, /^rule\.path is not a valid regular expression: the backreference "\\1" at character 10 is not supported\.$/],
    ['a bad glob path', { status: 503, path: '/api/{core,v1/oauth-clients' }, /^rule\.path is not a valid glob: the "\{" at character 6 is never closed\.$/],
    ['a header matcher without value', { status: 503, header: { name: 'x-test' } }, /rule\.header must have the property "value"/],
    ['a bad id', { id: 'has space', status: 503 }, /rule\.id must match pattern/],
  ];
  it.each(bad)('refuses %s, naming the field', (_name, input, message) => {
    expect(() => parse(input)).toThrow(FaultRuleError);
    expect(() => parse(input)).toThrow(message);
  });

  it('accepts every kind of fault and target', () => {
    for (const rule of [
      { status: 401 },
      { status: 429, headers: { 'retry-after': '7' } },
      { status: 418, body: 'teapot' },
      { status: 500, body: { any: ['json'] } },
      { delayMs: 100 },
      { connection: 'reset' },
      { connection: 'malformed-json', status: 200, body: '{"data": [' },
      { status: 503, path: '/api/*/oauth-clients', method: 'GET', header: { name: 'x-test-id', value: 'a' }, clientId: 'c', times: 3, probability: 0.5, seed: 9 },
    ]) {
      expect(() => parse(rule), JSON.stringify(rule)).not.toThrow();
    }
  });
});

describe('compilePathPattern', () => {
  it('globs: * within a segment, ** across, ? one character, anchored', () => {
    expect(compilePathPattern('/api/*/oauth-clients').test('/api/core/oauth-clients')).toBe(true);
    expect(compilePathPattern('/api/*/oauth-clients').test('/api/core/x/oauth-clients')).toBe(false);
    expect(compilePathPattern('/api/**').test('/api/core/x/oauth-clients')).toBe(true);
    expect(compilePathPattern('/api/v?/oauth-clients').test('/api/v1/oauth-clients')).toBe(true);
    expect(compilePathPattern('/api/core/oauth-clients').test('/api/core/oauth-clients/abc')).toBe(false);
    expect(compilePathPattern('/a.b').test('/aXb')).toBe(false);
  });

  it('globs: braces and classes are patterns, not literals', () => {
    expect(compilePathPattern('/api/{core,v1}/oauth-clients').test('/api/v1/oauth-clients')).toBe(true);
    expect(compilePathPattern('/api/{core,v1}/oauth-clients').test('/api/{core,v1}/oauth-clients')).toBe(false);
    expect(compilePathPattern('/api/v[0-9]/oauth-clients').test('/api/v1/oauth-clients')).toBe(true);
  });

  it('takes a pattern starting with ^ as a regular expression', () => {
    expect(compilePathPattern('^/api/(core|v1)/oauth-clients$').test('/api/v1/oauth-clients')).toBe(true);
    expect(compilePathPattern('^/api/(core|v1)/oauth-clients$').test('/api/v1/oauth-clients/x')).toBe(false);
  });
});
