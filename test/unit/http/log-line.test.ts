import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatLine, jsonLine, type RequestLine } from '../../../src/http/log-line.js';

/** Text of every kind: ASCII, quotes and backslashes, control characters, other scripts, lone surrogates. */
const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('"', '\u202e', '\x9b', '\\', '\u2028', '\ud800', '\u007f', '\u0000', '/api/v1/oauth-clients?filter=clientName co "a\\b"'));
/** Durations as the logger rounds them, and any other number a line could carry. */
const number = fc.oneof(fc.nat(10_000_000).map((h) => h / 100), fc.double(), fc.integer(), fc.constantFrom(0, -0, 1e7, 9_999_999.99, 1e21, 1e-7, NaN, Infinity));

const line: fc.Arbitrary<RequestLine> = fc.record(
  {
    time: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    level: fc.constantFrom('info', 'warn', 'error'),
    method: fc.oneof(fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE'), text),
    path: text,
    status: number,
    durationMs: number,
    operationId: text,
    fault: text,
    session: text,
    detail: text,
    traceId: text,
    error: text,
  },
  { requiredKeys: ['time', 'level', 'method', 'path', 'status', 'durationMs'] },
);

/** The oracle: the line with its `msg` after the level, through JSON.stringify. */
const stringified = ({ time, level, ...rest }: RequestLine) => JSON.stringify({ time, level, msg: `${rest.method} ${rest.path} ${rest.status}`, ...rest });

describe('jsonLine', () => {
  it('writes exactly what JSON.stringify writes, for any line', () => {
    fc.assert(
      fc.property(line, (l) => jsonLine(l) === stringified(l)),
      { numRuns: 5000 },
    );
  });

  it('writes a request line as one parseable line: msg says method, path and status; the fields in order', () => {
    const l: RequestLine = { time: '2026-12-02T10:00:00.000Z', level: 'warn', method: 'GET', path: '/x?q="1"', status: 404, durationMs: 0.07, operationId: 'getOAuthClient', detail: 'No OAuth client with id "x".', traceId: 'abc' };
    const text = formatLine(l, 'json');
    expect(text).not.toContain('\n');
    expect(JSON.parse(text)).toEqual({ ...l, msg: 'GET /x?q="1" 404' });
    expect(Object.keys(JSON.parse(text))).toEqual(['time', 'level', 'msg', 'method', 'path', 'status', 'durationMs', 'operationId', 'detail', 'traceId']);
  });
});

describe('the pretty line', () => {
  it('is one line whatever its fields hold: control characters are shown as \\xNN, nothing else changes', () => {
    fc.assert(
      fc.property(line, fc.boolean(), (l, color) => {
        const text = formatLine(l, 'pretty', color);
        expect(text.replace(/\x1b\[\d+m/g, '')).not.toMatch(/[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
        if (!/[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(l.path)) expect(text).toContain(l.path);
      }),
      { numRuns: 2000 },
    );
    const forged = formatLine({ time: '2026-12-03T10:00:00.000Z', level: 'warn', method: 'GET', path: '/api/v1/oauth-clients/x\n10:00:00.000 GET /admin 200', status: 404, durationMs: 1, detail: 'No OAuth client with id "x\n".' }, 'pretty');
    expect(forged).toBe('10:00:00.000 GET /api/v1/oauth-clients/x\\x0a10:00:00.000 GET /admin 200 404 1ms — No OAuth client with id "x\\x0a".');
    // A right-to-left override would show the path reversed; C1's CSI (\x9b) acts as ESC [ on some terminals.
    const spoofed = formatLine({ time: '2026-12-03T10:00:00.000Z', level: 'info', method: 'GET', path: '/x\u202egnp.exe\x9b2J', status: 200, durationMs: 1 }, 'pretty');
    expect(spoofed).toBe('10:00:00.000 GET /x\\u202egnp.exe\\x9b2J 200 1ms');
  });
});
