import { describe, expect, it } from 'vitest';
import { parsePrefer, PreferError } from '../../../src/faults/prefer.js';

describe('parsePrefer', () => {
  it('reads code, delay and both, with , or ; between them', () => {
    expect(parsePrefer('code=503')).toEqual({ code: 503 });
    expect(parsePrefer('delay=250')).toEqual({ delayMs: 250 });
    expect(parsePrefer('code=503, delay=100')).toEqual({ code: 503, delayMs: 100 });
    expect(parsePrefer('Code="429"; Delay=5')).toEqual({ code: 429, delayMs: 5 });
  });

  it('ignores an absent header and other preferences', () => {
    expect(parsePrefer(undefined)).toBeUndefined();
    expect(parsePrefer('')).toBeUndefined();
    expect(parsePrefer('return=minimal, respond-async')).toBeUndefined();
    expect(parsePrefer('return=minimal, code=404')).toEqual({ code: 404 });
  });

  it('reads a preference given twice the first time only, as RFC 7240 says', () => {
    expect(parsePrefer('code=503, code=404')).toEqual({ code: 503 });
    expect(parsePrefer('delay=5, code=429, delay=7, code=abc')).toEqual({ code: 429, delayMs: 5 });
  });

  it('caps the delay at one minute', () => {
    expect(parsePrefer('delay=600000')).toEqual({ delayMs: 60_000 });
    expect(parsePrefer('delay=99999999999999999999')).toEqual({ delayMs: 60_000 });
  });

  it.each(['code=200', 'code=302', 'code=600', 'code=abc', 'code=', 'delay=-5', 'delay=1.5', 'delay=soon'])('refuses %s', (value) => {
    expect(() => parsePrefer(value)).toThrow(PreferError);
  });
});
