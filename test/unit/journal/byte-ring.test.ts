import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteRing } from '../../../src/journal/byte-ring.js';

describe('ByteRing', () => {
  it('stores a string pushed in two parts as one, and copies out the first part of the newest, through growth and wrapping', () => {
    // Well-formed text of every width (the ring stores UTF-8).
    const part = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(part, part), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 8 }), (pushes, capacity) => {
        const ring = new ByteRing(capacity, 2048, 16);
        const stored: string[] = [];
        for (const [text, rest] of pushes) {
          expect(ring.push(text, rest)).toBe(true);
          stored.push(text + rest);
          const copy = Buffer.alloc(ring.newestPrefixBytes + 2, 0xaa);
          expect(ring.newestPrefixBytes).toBe(Buffer.byteLength(text));
          expect(ring.copyNewestPrefix(copy, 1)).toBe(ring.newestPrefixBytes);
          expect(copy.toString('utf8', 1, copy.length - 1)).toBe(text);
          expect(copy[copy.length - 1]).toBe(0xaa);
        }
        expect(ring.toArray()).toEqual(stored.slice(-capacity));
      }),
    );
    const empty = new ByteRing(2);
    expect(empty.newestPrefixBytes).toBe(0);
    expect(empty.copyNewestPrefix(Buffer.alloc(4), 0)).toBe(0);
  });

  it('keeps the last `capacity` strings, oldest first', () => {
    const ring = new ByteRing(3);
    expect(ring.toArray()).toEqual([]);
    for (let i = 1; i <= 7; i++) ring.push(`s${i}`);
    expect(ring.toArray()).toEqual(['s5', 's6', 's7']);
    expect(ring.size).toBe(3);
    ring.clear();
    expect(ring.toArray()).toEqual([]);
    ring.push('s8');
    expect(ring.toArray()).toEqual(['s8']);
  });

  it('round-trips text that is not ASCII', () => {
    const ring = new ByteRing(4, 1024, 16);
    const texts = ['héllo', '日本語のテキスト', '😀 emoji', 'Ωmega'];
    for (const text of texts) ring.push(text);
    expect(ring.toArray()).toEqual(texts);
  });

  it('grows while fewer than `capacity` strings fit, then drops the oldest to stay within maxBytes', () => {
    const ring = new ByteRing(1000, 300, 30);
    for (let i = 0; i < 10; i++) ring.push(`${i}`.padStart(10, '-')); // 30 bytes reserved each
    expect(ring.size).toBe(10);
    for (let i = 10; i < 40; i++) ring.push(`${i}`.padStart(10, '-'));
    const kept = ring.toArray();
    expect(kept.length).toBeLessThan(40);
    expect(kept.at(-1)).toBe('--------39');
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, k) => `${40 - kept.length + k}`.padStart(10, '-')));
  });

  it('refuses a string larger than maxBytes and keeps what it had', () => {
    const ring = new ByteRing(10, 30);
    ring.push('kept');
    expect(ring.push('x'.repeat(11))).toBe(false);
    expect(ring.toArray()).toEqual(['kept']);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new ByteRing(0)).toThrow(RangeError);
    expect(() => new ByteRing(1.5)).toThrow(RangeError);
  });

  it('always lists a suffix of what was pushed, in order, never more than capacity (any sizes)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 4, max: 200 }),
        fc.array(fc.string({ unit: 'grapheme', maxLength: 30 }), { maxLength: 60 }),
        (capacity, maxBytes, texts) => {
          const ring = new ByteRing(capacity, maxBytes, 4);
          const accepted: string[] = [];
          for (const text of texts) if (ring.push(text)) accepted.push(text);
          const kept = ring.toArray();
          expect(kept.length).toBeLessThanOrEqual(capacity);
          expect(kept).toEqual(accepted.slice(accepted.length - kept.length));
          // The newest accepted string is always kept.
          if (accepted.length > 0) expect(kept.at(-1)).toBe(accepted.at(-1));
        },
      ),
    );
  });
});
