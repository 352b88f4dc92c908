import { JOURNAL_BODY_LIMIT, type JournalBody } from '../journal/journal.js';
import { MAX_JSON_DEPTH, nestingWithin } from '../contract/json-depth.js';
import { ApiError } from './errors.js';

export const MAX_BODY_BYTES = 1024 * 1024;
const JSON_TYPES = /^application\/(?:[\w.+-]+\+)?json$/i;

/** The media type of a request's Content-Type, without parameters ('' when there is none). */
export const mediaTypeOf = (request: Request): string => request.headers.get('content-type')?.split(';')[0].trim() ?? '';

/** application/json or any `+json` type. */
export const isJsonType = (mediaType: string): boolean => JSON_TYPES.test(mediaType);

/**
 * Reads a JSON request body for an operation that takes one: 413 as soon as it passes 1 MiB
 * (from Content-Length, or while streaming a body without one), 415 for a body that is not
 * declared as JSON, 400 for a missing or malformed one.
 */
export async function readJsonBody(request: Request): Promise<unknown> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > MAX_BODY_BYTES) {
    // Journaled unread: reading it for the journal would hold the 413 until the body arrives.
    captured.set(request, { text: '', truncated: true });
    throw tooLarge(MAX_BODY_BYTES);
  }
  const bytes = await readCapped(request, MAX_BODY_BYTES);
  if (bytes.length === 0) throw new ApiError(400, 'A JSON request body is required.');
  let parsed: unknown;
  let ok = false;
  try {
    parsed = parseJsonBytes(request, bytes);
    ok = true;
    return parsed;
  } finally {
    captured.set(request, ok && bytes.length <= JOURNAL_BODY_LIMIT ? { json: parsed } : asText(bytes));
  }
}

/** Bodies read by `readJsonBody`, kept for the request journal (a reference, no copy). */
const captured = new WeakMap<Request, JournalBody>();

/** What the journal shows as the request's body, instead of what was read (e.g. with credentials masked). */
export function journalAs(request: Request, body: JournalBody): void {
  captured.set(request, body);
}

/**
 * The request body for the journal, read at most once: what `readJsonBody` saw, or else the
 * unread body (for requests answered before their handler read it: faults, 401, 404),
 * cut at JOURNAL_BODY_LIMIT. Undefined for requests without a body.
 */
export async function journalBody(request: Request): Promise<JournalBody | undefined> {
  const seen = captured.get(request);
  if (seen) return seen;
  if (!request.body || request.bodyUsed) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = await readPrefix(request, JOURNAL_BODY_LIMIT + 1);
  } catch {
    return undefined;
  }
  if (bytes.length === 0) return undefined;
  if (bytes.length <= JOURNAL_BODY_LIMIT) {
    try {
      const text = Buffer.from(bytes).toString('utf8');
      if (nestingWithin(text, MAX_JSON_DEPTH)) return { json: JSON.parse(text) };
    } catch {
      // not JSON: kept as text
    }
  }
  return asText(bytes);
}

const tooDeep = () => new ApiError(400, `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.`);

/** A body that is not journaled as JSON: its text, cut at JOURNAL_BODY_LIMIT bytes. */
function asText(bytes: Uint8Array): JournalBody {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, JOURNAL_BODY_LIMIT)).toString('utf8');
  return bytes.byteLength > JOURNAL_BODY_LIMIT ? { text, truncated: true } : { text };
}

function parseJsonBytes(request: Request, bytes: Uint8Array): unknown {
  const type = request.headers.get('content-type');
  const mediaType = mediaTypeOf(request);
  if (!isJsonType(mediaType)) {
    throw new ApiError(415, `The request body must be sent as application/json${type ? `, not ${mediaType || 'an empty type'}` : ' (the Content-Type header is missing)'}.`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError(400, 'The request body is not valid UTF-8.');
  }
  return parseJsonText(text);
}

/** JSON text to a value: 400 for text nested too deep or not JSON. */
export function parseJsonText(text: string): unknown {
  if (!nestingWithin(text, MAX_JSON_DEPTH)) throw tooDeep();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** A whole body as UTF-8 text, 413 past `max` bytes (a stalled or endless body is not buffered). */
export async function readTextBody(request: Request, max: number): Promise<string> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > max) throw tooLarge(max);
  return Buffer.from(await readCapped(request, max)).toString('utf8');
}

/** Up to `max` bytes of an unread body; the rest is left unread. */
async function readPrefix(request: Request, max: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body!.getReader();
  while (size < max) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  if (size >= max) await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).subarray(0, max);
}

async function readCapped(request: Request, max: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(max);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

const tooLarge = (max: number) => new ApiError(413, `The request body exceeds the limit of ${max} bytes.`);
