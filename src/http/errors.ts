import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Context } from 'hono';
import { DomainError, type DomainErrorKind } from '../domain/errors.js';
import { QueryError } from '../query/errors.js';
import { SessionExistsError, SessionLimitError, SessionNameError } from '../runtime/sessions.js';
import { DataFileError } from '../store/errors.js';
import type { AppEnv } from './env.js';

const TRACE_PREFIX = randomBytes(8).toString('hex');
let traceCounter = 0;

/**
 * A trace id: 32 lowercase hex characters, unique within the process (a random per-process
 * prefix and a counter; a random UUID each cost ~5% of a GET's CPU). Only error bodies carry one.
 */
const newTraceId = (): string => TRACE_PREFIX + (++traceCounter).toString(16).padStart(16, '0');

/** Titles the real service uses where they differ from the plain reason phrase. */
const TITLES: Record<number, string> = { 429: 'API rate limit reached.' };

export const statusTitle = (status: number): string => TITLES[status] ?? STATUS_CODES[status] ?? 'Error';

export interface ErrorBody {
  errors: { code: string; title: string; detail: string; status: string }[];
  traceId: string;
}

/** The API's error shape (`{"errors":[{code,title,detail}]}`), with Qlik's customary status and traceId. */
export function errorBody(status: number, detail: string, title = statusTitle(status)): ErrorBody {
  return { errors: [{ code: `HTTP-${status}`, title, detail, status: String(status) }], traceId: newTraceId() };
}

/** Thrown anywhere below the routes; the app's error handler turns it into the error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

/**
 * The request's body stopped arriving: the client went away mid-body, or Node's parser refused
 * what followed (a bad chunk; that answer is the parser step's, see client-error.ts). There is
 * nobody to answer: the request is journaled as dropped (status 0) and logged as such.
 */
export class RequestAborted extends Error {
  override name = 'RequestAborted';
  constructor(message = 'The request body did not arrive: the connection was closed or refused part-way.') {
    super(message);
  }
}

/**
 * The answer that tells @hono/node-server the connection has been dealt with and nothing is to
 * be written (its `x-hono-already-sent` marker). Read once so that it is not one of the
 * server's cached responses, which it writes without looking at the marker.
 */
export function alreadySent(): Response {
  const response = new Response(null, { headers: { 'x-hono-already-sent': 'true' } });
  void response.body;
  return response;
}

const DOMAIN_STATUS: Record<DomainErrorKind, number> = { invalid: 400, unauthenticated: 401, forbidden: 403, 'not-found': 404, conflict: 409 };

/**
 * An error's status, detail and headers in the API's terms; a stray error is a 500 that says it
 * is a bug, and `unexpected` says what it was, on one line, for the log.
 */
export function describeError(error: unknown): { status: number; detail: string; headers: Record<string, string>; title?: string; unexpected?: string } {
  if (error instanceof ApiError) return { status: error.status, detail: error.detail, headers: error.headers };
  if (error instanceof DomainError) return { status: DOMAIN_STATUS[error.kind], detail: error.message, headers: {} };
  if (error instanceof QueryError || error instanceof SessionNameError) return { status: 400, detail: error.message, headers: {} };
  // Not the API's rate limit, whose title 429 carries elsewhere.
  if (error instanceof SessionLimitError) return { status: 429, detail: error.message, headers: { 'retry-after': String(error.retryAfterSeconds) }, title: 'Too many sessions.' };
  if (error instanceof SessionExistsError) return { status: 409, detail: error.message, headers: {} };
  if (error instanceof DataFileError) return { status: 500, detail: `${error.message}.`, headers: {} };
  return { status: 500, detail: 'The mock failed unexpectedly; this is a bug in the mock.', headers: {}, unexpected: oneLine(error) };
}

/** An unexpected error as one line: its name, message and the first frame of its stack (logs are JSON lines). */
export function oneLine(error: unknown): string {
  if (!(error instanceof Error)) return String(error).replace(/\s+/g, ' ');
  const frame = error.stack?.split('\n').find((line) => /^\s+at /.test(line))?.trim();
  return `${error.name}: ${error.message}`.replace(/\s+/g, ' ') + (frame ? ` (${frame})` : '');
}

/**
 * Every failure leaves in the API's error shape; nothing ever answers with a stack trace. An
 * unexpected error goes to the request's log line (`error`), not to stderr. A request whose body
 * broke off gets no answer: there is nobody to send it to.
 */
export function errorResponse(c: Context<AppEnv>, error: unknown): Response {
  if (error instanceof RequestAborted) {
    c.set('dropped', true);
    return alreadySent();
  }
  const { status, detail, headers, title, unexpected } = describeError(error);
  if (unexpected !== undefined) c.set('unexpected', unexpected);
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return errorJson(c, status, detail, undefined, title);
}

/** An answer in the error shape; its detail and traceId stay on the context for the log line and the journal. */
export function errorJson(c: Context<AppEnv>, status: number, detail: string, headers?: Record<string, string>, title?: string): Response {
  const body = errorBody(status, detail, title);
  c.set('error', { detail, traceId: body.traceId });
  return c.json(body, status as 400, headers);
}
