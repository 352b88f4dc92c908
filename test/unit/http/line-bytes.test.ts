import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineBytes, writeJsonOfHead } from '../../../src/http/line-bytes.js';
import { jsonLine, lineOfRecord } from '../../../src/http/log-line.js';
import type { JournalRecord } from '../../../src/journal/journal.js';
import { decodeRecord, encodeHead } from '../../../src/journal/record-codec.js';

/** Well-formed text (what the journal stores): plain ASCII, what JSON escapes, other scripts, 4-byte characters. */
const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('', ':', '~', '"', '\\', '\n', '\u0000', '\u007f', 'é', '€', '😀', '\u2028', '/api/v1/oauth-clients/3f2a'));
const plain = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).filter((c) => c !== 0x22 && c !== 0x5c).map((c) => String.fromCharCode(c)) });
const plainOrOtherScripts = fc.oneof(plain, fc.constantFrom('é', '€', '😀', 'клиент', '\u2028'));
const record = (string: fc.Arbitrary<string>, duration: fc.Arbitrary<number>): fc.Arbitrary<JournalRecord> =>
  fc.record(
    {
      at: fc.oneof(fc.integer({ min: 0, max: 4e12 }), fc.constant(1_764_800_000_000)),
      method: fc.oneof(fc.constantFrom('GET', 'DELETE'), string),
      path: string,
      search: fc.oneof(fc.constant(''), string),
      operationId: string,
      headers: fc.constant([]),
      status: fc.oneof(fc.constantFrom(0, 200, 404, 503), fc.nat(599)),
      durationMs: duration,
      fault: string,
      error: fc.record({ detail: string, traceId: string }),
    },
    { requiredKeys: ['at', 'method', 'path', 'search', 'headers', 'status', 'durationMs'] },
  );
const anyDuration = fc.oneof(fc.nat(10_000_000).map((h) => h / 100), fc.double(), fc.integer(), fc.constantFrom(0, -0, 1e21, 1e-7, 0.1 + 0.2));
const session = fc.option(text, { nil: undefined });

/** The head as the journal stores it (UTF-8), at an offset in a larger buffer, as in a batch. */
function headBytes(r: JournalRecord): { head: Buffer; start: number; end: number } {
  const bytes = Buffer.from(encodeHead(7, r));
  const head = Buffer.alloc(bytes.length + 10, 0x2c);
  bytes.copy(head, 5);
  return { head, start: 5, end: 5 + bytes.length };
}
/** The oracle: the line through the record's fields and `jsonLine`, in UTF-8. */
const oracle = (r: JournalRecord, s?: string, e?: string) => Buffer.from(jsonLine(lineOfRecord(decodeRecord(encodeHead(7, r), false), s, e)));

describe('a JSON line from a journal record head', () => {
  it('is byte for byte the line of the record’s fields, or declines (any text, any number)', () => {
    fc.assert(
      fc.property(record(text, anyDuration), session, session, (r, s, e) => {
        const { head, start, end } = headBytes(r);
        const out = new LineBytes(16);
        out.text('before');
        if (!writeJsonOfHead(out, head, start, end, s, e)) return;
        expect(out.bytes.subarray(6, out.length)).toEqual(oracle(r, s, e));
        expect(out.bytes.subarray(0, 6).toString()).toBe('before');
      }),
      { numRuns: 2000 },
    );
  });

  it('writes every record whose strings JSON leaves as they are and whose numbers are plain', () => {
    fc.assert(
      fc.property(record(plainOrOtherScripts, fc.nat(10_000_000).map((h) => h / 100)), session, session, (r, s, e) => {
        const { head, start, end } = headBytes(r);
        const out = new LineBytes(16);
        expect(writeJsonOfHead(out, head, start, end, s, e)).toBe(true);
        expect(out.bytes.subarray(0, out.length)).toEqual(oracle(r, s, e));
      }),
      { numRuns: 2000 },
    );
  });

  it('declines a string JSON escapes and a number that is not digits', () => {
    const base: JournalRecord = { at: 1_764_800_000_000, method: 'GET', path: '/x', search: '', headers: [], status: 200, durationMs: 1.5 };
    for (const r of [{ ...base, path: '/a"b' }, { ...base, search: 'a=\\' }, { ...base, operationId: 'x\ny' }, { ...base, durationMs: 1e-7 }, { ...base, durationMs: -1 }, { ...base, status: NaN }]) {
      const { head, start, end } = headBytes(r);
      expect(writeJsonOfHead(new LineBytes(16), head, start, end)).toBe(false);
    }
  });

  it('declines a head cut short anywhere, reading nothing past its end', () => {
    const r: JournalRecord = { at: 1_764_800_000_000, method: 'GET', path: '/é/😀', search: 'a=1', operationId: 'getOAuthClient', headers: [], status: 404, durationMs: 1.25, fault: 'f', error: { detail: 'gone', traceId: 't1' } };
    const { head, start, end } = headBytes(r);
    expect(writeJsonOfHead(new LineBytes(16), head, start, end)).toBe(true);
    for (let cut = start; cut < end; cut++) {
      // What follows the head in a batch may be anything.
      head.fill(cut % 2 ? 0x7e : 0x31, cut);
      expect(writeJsonOfHead(new LineBytes(16), head, start, cut)).toBe(false);
      head.fill(0x2c, cut);
      Buffer.from(encodeHead(7, r)).copy(head, start);
    }
  });
});
