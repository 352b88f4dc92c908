import { TOKEN_OPERATION } from '../contract/operations.js';
import type { IncomingMessage } from 'node:http';
import { isJsonType, journalAs, MAX_BODY_BYTES, mediaTypeOf, readJsonBody, readTextBody } from '../http/body.js';
import { incomingOf } from '../http/env.js';
import { DomainError } from '../domain/errors.js';
import { ApiError } from '../http/errors.js';
import { requestOrigin } from '../http/links.js';
import { JOURNAL_BODY_LIMIT } from '../journal/journal.js';
import { maskCredentials } from '../journal/redaction.js';
import type { OperationCall, OperationDescriptor } from './descriptor.js';

const FORM = 'application/x-www-form-urlencoded';

/**
 * POST /oauth/token (docs/FACTS.md): a JSON or form body; client credentials in it or in
 * `Authorization: Basic`. The issued token then works as a bearer token on the API, as the
 * client's tenant (see TokenService and IssuedTokens). Errors are in the API's error shape,
 * which is what the official SDK reads (`data.errors`).
 */
async function issueToken({ c, deps }: OperationCall): Promise<Response> {
  const request = c.req.raw;
  const fields = await tokenFields(request, incomingOf(c));
  const audience = `${requestOrigin(request, deps.publicBaseUrl)}/oauth/token`;
  const basic = basicCredentials(c.req.header('authorization'));
  const { response, identity } = await deps.tokens.issue(fields, basic, audience).catch((error: unknown) => {
    // RFC 6749 §5.2: a client that authenticated with the Authorization header is told the scheme to use.
    if (basic && error instanceof DomainError && error.kind === 'unauthenticated') throw new ApiError(401, error.message, { 'www-authenticate': 'Basic' });
    throw error;
  });
  deps.issuedTokens.add(response.access_token, identity);
  return c.json(response, 200, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
}

/**
 * The token endpoint, an operation of the mock's own: it needs no bearer token (the client
 * authenticates itself), only fault rules that name it reach it (an outage or an expired token
 * of a scenario is about the API, not about getting a token), and its credentials never reach the journal.
 */
export const tokenOperation: OperationDescriptor = {
  ...TOKEN_OPERATION,
  access: 'none',
  faults: 'named',
  journalBody: maskCredentials,
  handler: issueToken,
};

async function tokenFields(request: Request, incoming: IncomingMessage | undefined): Promise<Record<string, unknown>> {
  const type = mediaTypeOf(request);
  if (type.toLowerCase() === FORM) {
    const text = await readTextBody(request, MAX_BODY_BYTES, incoming);
    // Kept for the journal as received; the descriptor's journalBody masks the credentials.
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
  const body = await readJsonBody(request, incoming);
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
