/**
 * Opaque, tamper-proof keyset cursors.
 *
 * Token format: `<payload>.<signature>` where payload is the base64url of the
 * compact JSON `{"d":"n"|"p","k":key,"i":id,"f":fingerprint}` and signature is
 * the base64url of the first 16 bytes of HMAC-SHA256(secret, payload text).
 * Both parts use only [A-Za-z0-9_-] and the separator is `.`, so the token is
 * URL-safe without percent-encoding. The signature covers the payload text
 * exactly as transmitted and is compared in its canonical base64url form, so
 * changing any character of a token invalidates it.
 *
 * Tokens longer than MAX_CURSOR_LENGTH are rejected before any hashing. The
 * limit is 8192 rather than 2048 so that every cursor this module issues for
 * a legitimate item decodes again: a clientName sort key may be up to 512 code
 * units (the contract's maxLength), and JSON-escaped control characters take 6
 * bytes each, which can exceed 2048 characters once base64-encoded.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { QueryError } from './errors.js';

export interface CursorPosition {
  /** The sort-key value of the anchor item (as stored in the index). */
  readonly key: string;
  /** The id of the anchor item. */
  readonly id: string;
}

export type CursorDirection = 'next' | 'prev';

export const MAX_CURSOR_LENGTH = 8192;

const SIGNATURE_BYTES = 16;
const SIGNATURE_CHARS = 22; // base64url length of 16 bytes, unpadded
const BASE64URL_RE = /^[A-Za-z0-9_-]+$/;

function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest().subarray(0, SIGNATURE_BYTES).toString('base64url');
}

/** Encode a cursor anchored at `pos` for the `dir` query parameter. */
export function encodeCursor(dir: CursorDirection, pos: CursorPosition, fingerprint: string, secret: string): string {
  const json = JSON.stringify({ d: dir === 'next' ? 'n' : 'p', k: pos.key, i: pos.id, f: fingerprint });
  const payload = Buffer.from(json, 'utf8').toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
}

function invalid(dir: CursorDirection, reason: string): never {
  throw new QueryError(`Invalid ${dir} cursor: ${reason}`, { parameter: dir });
}

const MALFORMED = 'the cursor is malformed; use the cursor exactly as returned in the links of a previous response.';

/**
 * Verify and decode a cursor received in the `dir` query parameter. Throws
 * QueryError when it is malformed, forged or altered, of the other direction,
 * or issued for a different query (fingerprint mismatch).
 */
export function decodeCursor(token: string, dir: CursorDirection, fingerprint: string, secret: string): CursorPosition {
  if (typeof token !== 'string' || token.length === 0) invalid(dir, 'the cursor is empty.');
  if (token.length > MAX_CURSOR_LENGTH) {
    invalid(dir, `the cursor is ${token.length} characters long; the maximum is ${MAX_CURSOR_LENGTH}.`);
  }
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length - dot - 1 !== SIGNATURE_CHARS) invalid(dir, MALFORMED);
  const payload = token.slice(0, dot);
  const signature = token.slice(dot + 1);
  if (!BASE64URL_RE.test(payload) || !BASE64URL_RE.test(signature)) invalid(dir, MALFORMED);

  const expected = Buffer.from(sign(payload, secret), 'latin1');
  const actual = Buffer.from(signature, 'latin1');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    invalid(dir, 'the cursor has been altered or was not issued by this server.');
  }

  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    invalid(dir, MALFORMED);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) invalid(dir, MALFORMED);
  const { d, k, i, f } = data as Record<string, unknown>;
  if ((d !== 'n' && d !== 'p') || typeof k !== 'string' || typeof i !== 'string' || typeof f !== 'string') {
    invalid(dir, MALFORMED);
  }
  const actualDir: CursorDirection = d === 'n' ? 'next' : 'prev';
  if (actualDir !== dir) {
    invalid(dir, `this is a ${actualDir} cursor; pass it in the ${actualDir} parameter instead.`);
  }
  if (f !== fingerprint) {
    invalid(dir, 'the cursor belongs to a different query; keep the same filter and sort while paging, or start again without a cursor.');
  }
  return { key: k, id: i };
}

/**
 * A short stable hash identifying a query (e.g. tenant, filter, sort): the
 * first 16 characters of the base64url SHA-256 of the JSON array of parts
 * (JSON makes the join unambiguous).
 */
export function queryFingerprint(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}
