import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JournalBody, JournalRecord } from '../../../src/journal/journal.js';
import { decodeRecord, encodeRecord, recordId } from '../../../src/journal/record-codec.js';

const text = fc.string({ unit: 'grapheme', maxLength: 40 });

const body: fc.Arbitrary<JournalBody | undefined> = fc.oneof(
  fc.constant(undefined),
  // As JSON carries it: fc.jsonValue() may hold -0, which JSON writes as 0.
  fc.jsonValue().map((json) => ({ json: JSON.parse(JSON.stringify(json)) as unknown })),
  text.map((t) => ({ text: t })),
  text.map((t) => ({ text: t, truncated: true as const })),
);

const journalRecord: fc.Arbitrary<JournalRecord> = fc.record({
  at: fc.integer({ min: 0, max: 2 ** 42 }),
  method: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'X-CUSTOM'),
  path: text,
  search: text,
  operationId: fc.option(text, { nil: undefined }),
  headers: fc.array(text, { maxLength: 12 }),
  body,
  status: fc.integer({ min: 0, max: 599 }),
  durationMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
  fault: fc.option(text, { nil: undefined }),
  error: fc.option(fc.record({ detail: text, traceId: text }), { nil: undefined }),
});

describe('journal record codec', () => {
  it('decodes what it encoded, whatever the strings contain (separators, digits, ~, newlines)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), journalRecord, (id, record) => {
        const decoded = decodeRecord(encodeRecord(id, record));
        expect(decoded).toEqual({ ...record, id });
        expect(recordId(encodeRecord(id, record))).toBe(id);
      }),
    );
  });

  it('keeps an empty string apart from an absent one', () => {
    const base = { at: 1, method: 'GET', path: '/p', search: '', headers: [], status: 200, durationMs: 0 };
    expect(decodeRecord(encodeRecord(1, { ...base, operationId: '' })).operationId).toBe('');
    expect(decodeRecord(encodeRecord(1, base)).operationId).toBeUndefined();
  });
});
