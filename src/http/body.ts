import type { IncomingMessage } from 'node:http';
import { JOURNAL_BODY_LIMIT, type JournalBody } from '../journal/journal.js';
import { MAX_JSON_DEPTH, nestingWithin } from '../contract/json-depth.js';
import { ApiError, RequestAborted } from './errors.js';

export const MAX_BODY_BYTES = 1024 * 1024;
const JSON_TYPES = /^application\/(?:[\w.+-]+\+)?json$/i;


const BODY_REFUSED = Symbol('body refused');

/**
 * Node's parser refused the rest of this request's body (client-error.ts answers it): whoever
 * reads that body stops at once, and whoever would start to finds it gone, as when the client
 * goes away (RequestAborted).
 */
export function refuseBody(incoming: IncomingMessage): void {
  (incoming as IncomingMessage & { [BODY_REFUSED]?: true })[BODY_REFUSED] = true;
  incoming.emit(BODY_REFUSED);
}

const bodyRefused = (incoming: IncomingMessage): boolean => (incoming as IncomingMessage & { [BODY_REFUSED]?: true })[BODY_REFUSED] === true;

/** Whether a body follows the request's headers (a Content-Length above 0, or chunked). */
export function bodyFollows(request: Request, incoming: IncomingMessage | undefined): boolean {
  if (!incoming) return request.body !== null;
  const length = incoming.headers['content-length'];
  return incoming.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** 413 when the declared Content-Length is over `max`: answered before anything reads the body, or acts. */
export function refuseDeclaredLength(request: Request, incoming: IncomingMessage | undefined, max = MAX_BODY_BYTES): void {
  const declared = incoming ? incoming.headers['content-length'] : request.headers.get('content-length');
  if (declared !== undefined && declared !== null && Number(declared) > max) {
    // Journaled unread: reading it for the journal would hold the 413 until the body arrives.
    captured.set(request, { text: '', truncated: true });
    throw tooLarge(max);
  }
}

/**
 * 415 for a compressed body, 501 for a transfer coding other than chunked: the mock reads neither,
 * and reading the bytes as they are would parse compressed data as text (or a gzip body sent as
 * plain JSON would pass where the real service refuses it).
 */
export function refuseEncodings(request: Request, incoming: IncomingMessage | undefined): void {
  const header = (name: string): string | undefined => (incoming ? (incoming.headers[name] as string | undefined) : (request.headers.get(name) ?? undefined));
  const transfer = header('transfer-encoding');
  if (transfer !== undefined && transfer.trim().toLowerCase() !== 'chunked') {
    throw new ApiError(501, `Transfer-Encoding ${JSON.stringify(transfer.slice(0, 100))} is not supported; send the body as it is, or chunked.`);
  }
  const content = header('content-encoding');
  if (content !== undefined && content.trim().toLowerCase() !== 'identity' && bodyFollows(request, incoming)) {
    throw new ApiError(415, `Content-Encoding ${JSON.stringify(content.slice(0, 100))} is not supported; send the body uncompressed.`);
  }
}

/**
 * The body of an operation that takes none, read (and kept for the journal) before the operation
 * runs, so that one over 1 MiB is a 413 and changes nothing, as on every other operation.
 */
export async function readUnusedBody(request: Request, incoming: IncomingMessage | undefined): Promise<void> {
  refuseDeclaredLength(request, incoming);
  const body = journalBodyOf(await readCapped(request, incoming, MAX_BODY_BYTES));
  if (body) captured.set(request, body);
}

/** The media type of a request's Content-Type, without parameters ('' when there is none). */
export const mediaTypeOf = (request: Request): string => request.headers.get('content-type')?.split(';')[0].trim() ?? '';

/** application/json or any `+json` type. */
export const isJsonType = (mediaType: string): boolean => JSON_TYPES.test(mediaType);

/**
 * Reads a JSON request body for an operation that takes one: 413 as soon as it passes 1 MiB
 * (from Content-Length, or while streaming a body without one), 415 for a body that is not
 * declared as JSON, 400 for a missing or malformed one.
 */
export async function readJsonBody(request: Request, incoming?: IncomingMessage): Promise<unknown> {
  refuseDeclaredLength(request, incoming);
  const bytes = await readCapped(request, incoming, MAX_BODY_BYTES);
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
export async function journalBody(request: Request, incoming?: IncomingMessage): Promise<JournalBody | undefined> {
  const seen = captured.get(request);
  if (seen) return seen;
  let bytes: Uint8Array;
  try {
    if (incoming) {
      if (!bodyFollows(request, incoming) || incoming.readableDidRead) return undefined;
      bytes = await readIncoming(incoming, JOURNAL_BODY_LIMIT + 1, true);
    } else {
      if (!request.body || request.bodyUsed) return undefined;
      bytes = await readPrefix(request, JOURNAL_BODY_LIMIT + 1);
    }
  } catch {
    return undefined;
  }
  return journalBodyOf(bytes);
}

/** Bytes of a body as the journal keeps them: JSON when they are JSON (and short enough), else text, cut short. */
function journalBodyOf(bytes: Uint8Array): JournalBody | undefined {
  if (bytes.length === 0) return undefined;
  if (bytes.length <= JOURNAL_BODY_LIMIT) {
    try {
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
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
export async function readTextBody(request: Request, max: number, incoming?: IncomingMessage): Promise<string> {
  const declared = incoming ? incoming.headers['content-length'] : request.headers.get('content-length');
  if (declared !== undefined && declared !== null && Number(declared) > max) throw tooLarge(max);
  const bytes = await readCapped(request, incoming, max);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
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

/**
 * A whole body, 413 past `max` bytes (`prefix`: its first `max` bytes instead). From Node's
 * request: listeners on it, removed when done, so whatever is not read flows on and is dropped.
 * RequestAborted when the connection goes away (or the parser refuses the body) before its end.
 */
function readIncoming(incoming: IncomingMessage, max: number, prefix: boolean): Promise<Buffer> {
  if (incoming.readableEnded) return Promise.resolve(Buffer.alloc(0));
  if (incoming.destroyed || bodyRefused(incoming)) return Promise.reject(new RequestAborted());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onAbort);
      incoming.off('close', onClose);
      incoming.off(BODY_REFUSED, onAbort);
    };
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > max) {
        settle();
        if (!prefix) return reject(tooLarge(max));
        chunks.push(chunk.subarray(0, max - size));
        return resolve(Buffer.concat(chunks, max));
      }
      chunks.push(chunk);
      size += chunk.length;
    };
    const onEnd = () => {
      settle();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onAbort = () => {
      settle();
      reject(new RequestAborted());
    };
    const onClose = () => (incoming.readableEnded ? onEnd() : onAbort());
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onAbort);
    incoming.on('close', onClose);
    incoming.on(BODY_REFUSED, onAbort);
    if (incoming.isPaused()) incoming.resume();
  });
}

async function readCapped(request: Request, incoming: IncomingMessage | undefined, max: number): Promise<Uint8Array> {
  if (incoming) return readIncoming(incoming, max, false);
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
