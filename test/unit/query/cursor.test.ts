import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { QueryError } from '../../../src/query/errors.js';
import { decodeCursor, encodeCursor, MAX_CURSOR_LENGTH, queryFingerprint, type CursorPosition } from '../../../src/query/cursor.js';
import { queryError } from '../../support/query-error.js';

const SECRET = 'test-secret';
const FP = queryFingerprint(['tenant-1', 'clientName sw "a"', '+clientName']);
const POS: CursorPosition = { key: 'my client', id: 'b3ee66d6f21d1611efa89a425f656f6f' };
const URL_SAFE = /^[A-Za-z0-9_.-]+$/;
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A correctly signed token around an arbitrary payload text (to reach post-signature validation). */
function signedRaw(json: string, secret = SECRET): string {
  const payload = Buffer.from(json, 'utf8').toString('base64url');
  const sig = createHmac('sha256', secret).update(payload).digest().subarray(0, 16).toString('base64url');
  return `${payload}.${sig}`;
}

describe('encodeCursor / decodeCursor', () => {
  it('round-trips next and prev cursors', () => {
    const next = encodeCursor('next', POS, FP, SECRET);
    const prev = encodeCursor('prev', POS, FP, SECRET);
    expect(next).not.toBe(prev);
    expect(decodeCursor(next, 'next', FP, SECRET)).toEqual(POS);
    expect(decodeCursor(prev, 'prev', FP, SECRET)).toEqual(POS);
  });

  it('produces URL-safe tokens that need no percent-encoding', () => {
    const token = encodeCursor('next', { key: '/?&=+ #%"\u00e9\u{1F600}', id: 'x y' }, FP, SECRET);
    expect(token).toMatch(URL_SAFE);
    expect(encodeURIComponent(token)).toBe(token);
  });

  it('is deterministic', () => {
    expect(encodeCursor('next', POS, FP, SECRET)).toBe(encodeCursor('next', POS, FP, SECRET));
  });

  it('round-trips arbitrary keys and ids, including lone surrogates and control characters (property)', () => {
    const str = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 20 }).map((cs) => String.fromCharCode(...cs)),
    );
    fc.assert(
      fc.property(str, str, str, fc.constantFrom('next' as const, 'prev' as const), (key, id, fp, dir) => {
        const token = encodeCursor(dir, { key, id }, fp, SECRET);
        expect(token).toMatch(URL_SAFE);
        expect(decodeCursor(token, dir, fp, SECRET)).toEqual({ key, id });
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips the largest legitimate key (512-char clientName of worst-case characters)', () => {
    for (const ch of ['\u0001', '\u4e2d', 'i\u0307', '\u{1F600}']) {
      const key = ch.repeat(512);
      const token = encodeCursor('next', { key, id: 'f'.repeat(32) }, FP, SECRET);
      expect(token.length).toBeLessThanOrEqual(MAX_CURSOR_LENGTH);
      expect(decodeCursor(token, 'next', FP, SECRET).key).toBe(key);
    }
  });

  it('rejects a cursor of the other direction', () => {
    const prev = encodeCursor('prev', POS, FP, SECRET);
    const e1 = queryError(() => decodeCursor(prev, 'next', FP, SECRET));
    expect(e1.message).toBe('Invalid next cursor: this is a prev cursor; pass it in the prev parameter instead.');
    expect(e1.parameter).toBe('next');
    const next = encodeCursor('next', POS, FP, SECRET);
    const e2 = queryError(() => decodeCursor(next, 'prev', FP, SECRET));
    expect(e2.message).toMatch(/^Invalid prev cursor: this is a next cursor/);
    expect(e2.parameter).toBe('prev');
  });

  it('rejects a cursor from a different query', () => {
    const token = encodeCursor('next', POS, FP, SECRET);
    const other = queryFingerprint(['tenant-1', 'clientName sw "b"', '+clientName']);
    expect(queryError(() => decodeCursor(token, 'next', other, SECRET)).message).toMatch(
      /^Invalid next cursor: the cursor belongs to a different query/,
    );
  });

  it('rejects a cursor signed with another secret', () => {
    const token = encodeCursor('next', POS, FP, 'other-secret');
    expect(queryError(() => decodeCursor(token, 'next', FP, SECRET)).message).toBe(
      'Invalid next cursor: the cursor has been altered or was not issued by this server.',
    );
  });

  it('rejects every single-character alteration', () => {
    const token = encodeCursor('next', POS, FP, SECRET);
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      for (const c of ['A', 'z', '-', '_', '0']) {
        if (c === token[i]) continue;
        const altered = token.slice(0, i) + c + token.slice(i + 1);
        queryError(() => decodeCursor(altered, 'next', FP, SECRET));
      }
    }
  });

  it('rejects a forged payload with a re-used signature', () => {
    const real = encodeCursor('next', POS, FP, SECRET);
    const sig = real.split('.')[1];
    const forgedPayload = Buffer.from(JSON.stringify({ d: 'n', k: 'zzz', i: POS.id, f: FP })).toString('base64url');
    expect(queryError(() => decodeCursor(`${forgedPayload}.${sig}`, 'next', FP, SECRET)).message).toMatch(/altered/);
  });

  it.each([
    ['', /the cursor is empty/],
    ['abc', /malformed/],
    ['.', /malformed/],
    ['a.b', /malformed/],
    ['.' + 'A'.repeat(22), /malformed/],
    ['a..' + 'A'.repeat(21), /malformed|altered/],
    ['a+b.' + 'A'.repeat(22), /malformed/],
    ['ab==.' + 'A'.repeat(22), /malformed/],
    ['ab.' + 'A'.repeat(21) + '=', /malformed/],
    ['ab.' + 'A'.repeat(23), /malformed/],
    ['ab.' + 'A'.repeat(22), /altered/],
    ['x'.repeat(MAX_CURSOR_LENGTH + 1), /the cursor is 8193 characters long; the maximum is 8192\./],
  ])('rejects garbage %j', (token, pattern) => {
    const err = queryError(() => decodeCursor(token, 'next', FP, SECRET));
    expect(err.message).toMatch(pattern);
    expect(err.message).toMatch(/^Invalid next cursor: .*\.$/);
  });

  it.each([
    ['not json', 'this is not json'],
    ['array', '[1,2]'],
    ['null', 'null'],
    ['string', '"n"'],
    ['bad direction', JSON.stringify({ d: 'x', k: 'a', i: 'b', f: FP })],
    ['numeric key', JSON.stringify({ d: 'n', k: 1, i: 'b', f: FP })],
    ['missing id', JSON.stringify({ d: 'n', k: 'a', f: FP })],
    ['numeric fingerprint', JSON.stringify({ d: 'n', k: 'a', i: 'b', f: 5 })],
  ])('rejects a correctly signed but malformed payload (%s)', (_name, json) => {
    expect(queryError(() => decodeCursor(signedRaw(json), 'next', FP, SECRET)).message).toMatch(/malformed/);
  });

  it('accepts a correctly signed well-formed payload (sanity check of signedRaw)', () => {
    expect(decodeCursor(signedRaw(JSON.stringify({ d: 'n', k: 'a', i: 'b', f: FP })), 'next', FP, SECRET)).toEqual({
      key: 'a',
      id: 'b',
    });
  });

  it('non-string tokens give a QueryError', () => {
    queryError(() => decodeCursor(undefined as unknown as string, 'next', FP, SECRET));
    queryError(() => decodeCursor(42 as unknown as string, 'prev', FP, SECRET));
  });

  it('never throws anything but QueryError for random strings or mutated tokens (property)', () => {
    const valid = encodeCursor('next', POS, FP, SECRET);
    const mutated = fc
      .tuple(fc.nat({ max: valid.length - 1 }), fc.nat({ max: 5 }), fc.string({ maxLength: 4 }))
      .map(([at, del, ins]) => valid.slice(0, at) + ins + valid.slice(at + del));
    const b64ish = fc
      .array(fc.constantFrom(...B64URL, '.', '='), { maxLength: 80 })
      .map((cs) => cs.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 100 }), fc.string({ unit: 'binary', maxLength: 60 }), b64ish, mutated), (token) => {
        try {
          const pos = decodeCursor(token, 'next', FP, SECRET);
          // Only the genuine token can decode.
          expect(token).toBe(valid);
          expect(pos).toEqual(POS);
        } catch (e) {
          expect(e).toBeInstanceOf(QueryError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('queryFingerprint', () => {
  it('is short, URL-safe and stable', () => {
    const fp = queryFingerprint(['t', 'f', '+createdAt']);
    expect(fp).toHaveLength(16);
    expect(fp).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(queryFingerprint(['t', 'f', '+createdAt'])).toBe(fp);
  });

  it('distinguishes differently split parts', () => {
    const variants = [
      ['ab', 'c'], ['a', 'bc'], ['abc'], ['a', 'b', 'c'], ['a|b', 'c'], ['a', '|bc'], ['a,b', 'c'], ['a', 'b,c'],
      ['a"', 'c'], ['a', '"c'], [], [''], ['', ''],
    ];
    const fps = variants.map((v) => queryFingerprint(v));
    expect(new Set(fps).size).toBe(variants.length);
  });
});
