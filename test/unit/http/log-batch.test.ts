import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BATCH_BYTES, formatStyled, LogBatchDecoder, LogBatchEncoder, MAX_FIELD_CHARS, type LineStyle } from '../../../src/http/log-batch.js';
import { lineOfRecord, type RequestLine } from '../../../src/http/log-line.js';
import { RequestJournal, type JournalRecord } from '../../../src/journal/journal.js';

/** Text of every kind: ASCII, quotes, control characters, other scripts, lone surrogates. */
const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', '"', '\\', '\ud800', '\udfff', '\u0000', 'GET'));
const number = fc.oneof(fc.nat(10_000_000).map((h) => h / 100), fc.double(), fc.integer(), fc.constantFrom(0, -0, NaN, Infinity));
const line: fc.Arbitrary<RequestLine> = fc.record(
  {
    // Lines of one millisecond share their time: a few times, often repeated.
    time: fc.constantFrom('2026-12-03T10:00:00.000Z', '2026-12-03T10:00:00.001Z', '2026-12-03T10:00:01.000Z'),
    level: fc.constantFrom('info', 'warn', 'error'),
    method: fc.oneof(fc.constantFrom('GET', 'POST', 'DELETE'), text),
    path: text,
    status: number,
    durationMs: number,
    operationId: fc.oneof(fc.constantFrom('getOAuthClient', 'listOAuthClients'), text),
    fault: text,
    session: fc.oneof(fc.constantFrom('a', 'b'), text),
    detail: text,
    traceId: text,
    error: text,
  },
  { requiredKeys: ['time', 'level', 'method', 'path', 'status', 'durationMs'] },
);
/** Journal records hold well-formed text (the journal stores UTF-8): ASCII, the codec's own `:` and digits, other scripts. */
const wellFormed = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('', ':', '3:abc', '~', '"', '\\', '\n', '\u0000', '\u007f', 'é', '€', '😀', '\u2028', '/x?a=1&b=%22'));
const record: fc.Arbitrary<JournalRecord> = fc.record(
  {
    at: fc.integer({ min: 0, max: 4e12 }),
    method: fc.oneof(fc.constantFrom('GET', 'HEAD'), wellFormed),
    path: wellFormed,
    search: wellFormed,
    operationId: wellFormed,
    headers: fc.constant(['authorization', 'Bearer never-logged']),
    status: fc.oneof(fc.constantFrom(0, 200, 404, 503), fc.nat(599)),
    durationMs: fc.oneof(fc.nat(10_000_000).map((h) => h / 100), fc.double({ min: 0, max: 1e7, noNaN: true }), fc.nat(1e9)),
    fault: wellFormed,
    error: fc.record({ detail: wellFormed, traceId: wellFormed }),
  },
  { requiredKeys: ['at', 'method', 'path', 'search', 'headers', 'status', 'durationMs'] },
);
const entry = fc.oneof(
  fc.record({ line, style: fc.constantFrom<LineStyle>(0, 1, 2) }),
  text.map((t) => ({ text: t })),
  fc.record({ record, session: fc.option(wellFormed, { nil: undefined }), unexpected: fc.option(text, { nil: undefined }), style: fc.constantFrom<LineStyle>(0, 1, 2) }),
);
type Journaled = { record: JournalRecord; session?: string; unexpected?: string; style: LineStyle };
type Entry = { line: RequestLine; style: LineStyle } | { text: string } | Journaled;
/** A line's text as stdout gets it: in UTF-8, where a lone surrogate is U+FFFD. */
const utf8 = (text: string) => Buffer.from(text).toString();
const expected = (e: Entry) => utf8('text' in e ? e.text : 'line' in e ? formatStyled(e.line, e.style) : formatStyled(lineOfRecord(e.record, e.session, e.unexpected), e.style));

/** Encodes the entries into batches of a buffer of `bytes`, decoding each as it is full, as the stdout thread would. */
function roundTrip(entries: Entry[], bytes = BATCH_BYTES): { texts: string[]; batches: number } {
  const encoder = new LogBatchEncoder();
  const decoder = new LogBatchDecoder();
  const journal = new RequestJournal(4);
  const buffer = Buffer.from(new SharedArrayBuffer(bytes));
  const texts: string[] = [];
  let batches = 0;
  const flush = () => {
    const length = encoder.end();
    if (length) batches++;
    texts.push(...decoder.decode(buffer, length));
    encoder.begin(buffer);
  };
  encoder.begin(buffer);
  for (const e of entries) {
    // A journaled line's head is copied from the journal's newest record.
    const journaled = 'record' in e ? { journal, id: journal.record(e.record), record: e.record, session: e.session, unexpected: e.unexpected } : undefined;
    const add = () => ('text' in e ? encoder.addText(e.text) : 'line' in e ? encoder.addLine(e.line, e.style) : encoder.addJournaled(journaled!, e.style));
    if (!add()) {
      flush();
      expect(add()).toBe(true);
    }
  }
  flush();
  return { texts, batches };
}

describe('log batches', () => {
  it('decode to exactly the texts of the lines encoded, in order, across batches', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 60 }), fc.constantFrom(BATCH_BYTES, 2048), (entries, bytes) => {
        expect(roundTrip(entries, bytes).texts).toEqual(entries.map(expected));
      }),
      { numRuns: 500 },
    );
  });

  it('end a batch that is full (addLine says false) and carry the names it gave into the next', () => {
    const lines: Entry[] = Array.from({ length: 200 }, (_, i) => ({ line: { time: `2026-12-03T10:00:00.${String(i).padStart(3, '0')}Z`, level: 'info', method: 'GET', path: `/api/v1/oauth-clients/${i}`, status: 200, durationMs: i / 100, operationId: 'getOAuthClient', session: `s${i % 3}` }, style: 0 }));
    const { texts, batches } = roundTrip(lines, 4096);
    expect(batches).toBeGreaterThan(5);
    expect(texts).toEqual(lines.map(expected));
  });

  it('write every value once the names run out (more distinct sessions than it numbers)', () => {
    const lines: Entry[] = Array.from({ length: 1500 }, (_, i) => ({ line: { time: '2026-12-03T10:00:00.000Z', level: 'info', method: 'GET', path: '/x', status: 200, durationMs: 1, session: `session-${i}` }, style: 1 }));
    expect(roundTrip(lines).texts).toEqual(lines.map(expected));
  });

  it('cut a string longer than MAX_FIELD_CHARS, so that any line fits an empty batch', () => {
    const long = 'x'.repeat(MAX_FIELD_CHARS * 3);
    const line: RequestLine = { time: '2026-12-03T10:00:00.000Z', level: 'error', method: long, path: long, status: 500, durationMs: 1, operationId: long, fault: long, session: long, detail: long, traceId: long, error: long };
    const cut = `${'x'.repeat(MAX_FIELD_CHARS - 1)}…`;
    const { texts } = roundTrip([{ line, style: 0 }, { text: long }]);
    expect(JSON.parse(texts[0])).toMatchObject({ method: cut, path: cut, operationId: cut, fault: cut, session: cut, detail: cut, traceId: cut, error: cut });
    expect(texts[1]).toBe(cut);
  });
});
