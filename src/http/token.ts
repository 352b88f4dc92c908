import type { Context } from 'hono';
import { JOURNAL_BODY_LIMIT, type JournalBody } from '../journal/journal.js';
import type { MockRuntime } from '../runtime/mock-runtime.js';
import type { AppEnv } from './app.js';
import { isJsonType, journalAs, MAX_BODY_BYTES, mediaTypeOf, readJsonBody, readTextBody } from './body.js';
import { ApiError } from './errors.js';
import { requestOrigin } from './links.js';

const FORM = 'application/x-www-form-urlencoded';
const SECRET_FIELDS = ['client_secret', 'client_assertion'];

/** A token request's body as the journal shows it: the credentials masked, JSON or form. */
export function maskCredentials(body: JournalBody | undefined): JournalBody | undefined {
  if (body === undefined) return undefined;
  if ('json' in body) {
    if (typeof body.json !== 'object' || body.json === null || Array.isArray(body.json)) return body;
    const masked: Record<string, unknown> = { ...body.json };
    for (const name of SECRET_FIELDS) if (name in masked) masked[name] = '[REDACTED]';
    return { json: masked };
  }
  const form = new URLSearchParams(body.text);
  if (!SECRET_FIELDS.some((name) => form.has(name))) return body;
  for (const name of SECRET_FIELDS) if (form.has(name)) form.set(name, '[REDACTED]');
  return { ...body, text: form.toString() };
}

/**
 * POST /oauth/token (FACTS.md): a JSON or form body; client credentials in it or in
 * `Authorization: Basic`. The issued token then works as a bearer token on the API, as the
 * client's tenant (see TokenService and IssuedTokens). Errors are in the API's error shape,
 * which is what the official SDK reads (`data.errors`).
 */
export async function issueTokenHandler(c: Context<AppEnv>, runtime: MockRuntime): Promise<Response> {
  const request = c.req.raw;
  const fields = await tokenFields(request);
  const audience = `${requestOrigin(request, runtime.publicBaseUrl)}/oauth/token`;
  const { response, identity } = await runtime.tokens.issue(fields, basicCredentials(c.req.header('authorization')), audience);
  runtime.issuedTokens.add(response.access_token, identity);
  return c.json(response, 200, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
}

async function tokenFields(request: Request): Promise<Record<string, unknown>> {
  const type = mediaTypeOf(request);
  if (type.toLowerCase() === FORM) {
    const text = await readTextBody(request, MAX_BODY_BYTES);
    // Credentials are masked by the journal (see maskCredentials).
    journalAs(request, text.length > JOURNAL_BODY_LIMIT ? { text: text.slice(0, JOURNAL_BODY_LIMIT), truncated: true } : { text });
    const fields: Record<string, unknown> = Object.create(null);
    for (const [name, value] of new URLSearchParams(text)) {
      if (name in fields) throw new ApiError(400, `The parameter "${name}" is sent more than once.`);
      fields[name] = value;
    }
    return fields;
  }
  if (!isJsonType(type)) {
    throw new ApiError(415, `A token request is sent as ${FORM} or application/json${type ? `, not ${type}` : ' (the Content-Type header is missing)'}.`);
  }
  const body = await readJsonBody(request);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'The token request body must be a JSON object.');
  return body as Record<string, unknown>;
}

/** RFC 6749 §2.3.1: `Basic base64(urlencoded id ":" urlencoded secret)`; any other Authorization is ignored here. */
function basicCredentials(header: string | undefined): { clientId: string; clientSecret: string } | undefined {
  if (!header || !/^basic(?:[ \t]|$)/i.test(header)) return undefined;
  const m = /^basic[ \t]+([A-Za-z0-9+/=_-]+)[ \t]*$/i.exec(header);
  const decoded = m ? Buffer.from(m[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon < 1) throw new ApiError(401, 'The Basic credentials must be base64 of "client_id:client_secret".', { 'www-authenticate': 'Basic' });
  return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
}

function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
