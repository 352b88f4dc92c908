import { ApiError } from './errors.js';

export const MAX_BODY_BYTES = 1024 * 1024;
const JSON_TYPES = /^application\/(?:[\w.+-]+\+)?json$/i;

/**
 * Reads a JSON request body for an operation that takes one: 413 as soon as it passes 1 MiB
 * (from Content-Length, or while streaming a body without one), 415 for a body that is not
 * declared as JSON, 400 for a missing or malformed one.
 */
export async function readJsonBody(request: Request): Promise<unknown> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > MAX_BODY_BYTES) throw tooLarge();
  const bytes = await readCapped(request);
  if (bytes.length === 0) throw new ApiError(400, 'A JSON request body is required.');
  const type = request.headers.get('content-type');
  const mediaType = type?.split(';')[0].trim() ?? '';
  if (!JSON_TYPES.test(mediaType)) {
    throw new ApiError(415, `The request body must be sent as application/json${type ? `, not ${mediaType || 'an empty type'}` : ' (the Content-Type header is missing)'}.`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError(400, 'The request body is not valid UTF-8.');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

async function readCapped(request: Request): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

const tooLarge = () => new ApiError(413, `The request body exceeds the limit of ${MAX_BODY_BYTES} bytes.`);
