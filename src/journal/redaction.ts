import type { JournalBody } from './journal.js';

const REDACTED_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);
export const REDACTED = '[REDACTED]';

/** `Bearer abc` → `Bearer [REDACTED]`; any other credential → `[REDACTED]`. */
export function redactHeader(name: string, value: string): string {
  if (!REDACTED_HEADERS.has(name)) return value;
  const scheme = /^(bearer|basic)\s/i.exec(value);
  return scheme ? `${scheme[1]} ${REDACTED}` : REDACTED;
}

/** The token endpoint's credentials: never journaled. */
const CREDENTIAL_FIELDS = ['client_secret', 'client_assertion'];
const FORM = 'application/x-www-form-urlencoded';

/**
 * A query string (without `?`) with the token endpoint's credentials masked, for a client that
 * sends them in the URL: the journal and the log line show the rest as it came.
 */
export function maskQuery(search: string): string {
  // A name may come percent-encoded (`client%5Fsecret`): URLSearchParams decodes it like the endpoint.
  if (!search.includes('client_') && !(search.includes('%') && decodedIncludes(search, 'client_'))) return search;
  const params = new URLSearchParams(search);
  let masked = false;
  for (const name of CREDENTIAL_FIELDS) {
    if (params.has(name)) {
      params.set(name, REDACTED);
      masked = true;
    }
  }
  return masked ? params.toString() : search;
}

/**
 * A token request's body as the journal keeps it, with the credentials masked whatever the body
 * is: a JSON value (masked at any depth), a form (masked field by field, also when cut short),
 * or anything else (text that is not JSON, nests too deep, or is cut short), which cannot be
 * masked reliably and is replaced by a note of its size.
 */
export function maskCredentials(body: JournalBody, mediaType: string): JournalBody {
  if ('json' in body) return { json: maskDeep(body.json) };
  if (mediaType.toLowerCase() === FORM) {
    const form = new URLSearchParams(body.text);
    for (const name of CREDENTIAL_FIELDS) if (form.has(name)) form.set(name, REDACTED);
    return { ...body, text: form.toString() };
  }
  return { text: `[not journaled: ${body.text.length}${body.truncated ? '+' : ''} characters that could not be read as JSON or a form, so their credentials could not be masked]` };
}

function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > 64) return value;
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, depth + 1));
  const masked: Record<string, unknown> = Object.create(null);
  for (const [key, item] of Object.entries(value)) masked[key] = CREDENTIAL_FIELDS.includes(key) ? REDACTED : maskDeep(item, depth + 1);
  return masked;
}

function decodedIncludes(text: string, part: string): boolean {
  try {
    return decodeURIComponent(text).includes(part);
  } catch {
    // A malformed escape: URLSearchParams reads the rest anyway, so look there.
    return true;
  }
}
