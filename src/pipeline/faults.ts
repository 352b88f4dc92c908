import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from 'hono';
import type { IdentityRegistry } from '../domain/identities.js';
import type { FaultAction, FaultEngine } from '../faults/engine.js';
import { parsePrefer, PreferError, type PreferFault } from '../faults/prefer.js';
import type { RateLimits } from '../faults/rate-limit.js';
import { incomingOf, outgoingOf, requestHeader, type AppEnv } from '../http/env.js';
import { ApiError, errorBody, errorJson } from '../http/errors.js';
import type { OperationDescriptor } from '../operations/descriptor.js';
import { bearerToken } from './auth.js';

/** Details of the error bodies of injected statuses: what the real service would plausibly say. */
const DETAILS: Record<number, string> = {
  400: 'The request is invalid.',
  401: 'The access token is invalid or has expired.',
  403: 'The caller is not allowed to perform this operation.',
  404: 'The requested resource was not found.',
  408: 'The request timed out.',
  409: 'The request conflicts with the current state of the resource.',
  500: 'An unexpected error occurred.',
  502: 'The upstream service answered with an invalid response.',
  503: 'The service is temporarily unavailable; try again later.',
  504: 'The upstream service did not answer in time.',
};

/** `retry-after` of an injected 429 that does not set one: short, so consumers' retries stay fast. */
export const DEFAULT_RETRY_AFTER = '1';

/** What a `connection: "malformed-json"` rule sends by default: a list answer cut off mid-string. */
const MALFORMED_JSON = '{"data":[{"clientId":"20ba0ecf013ffb6bf5b711761f6c39ec","clientName":"Sales Analy';

/**
 * A connection reset where there is no socket to reset (`app.request()`): the request
 * rejects as `fetch` does on a network error.
 */
export class ConnectionReset extends TypeError {
  override name = 'ConnectionReset';
  constructor(readonly ruleId: string) {
    super(`fetch failed: the mock reset the connection (fault rule "${ruleId}")`);
  }
}

export interface FaultStepResult {
  /** The forced answer; absent when the request proceeds (e.g. after a latency-only rule). */
  response?: Response;
  /** The rule id, `prefer` or `rate-limit`, for the journal and the logs. */
  fault?: string;
  /** The connection was dropped: no status was sent and the body must not be read. */
  dropped?: boolean;
}

/** What the fault step reads: the world's rules, its rate limits and who the tokens are. */
export interface FaultStepDeps {
  faults: FaultEngine;
  rateLimits: RateLimits;
  identities: IdentityRegistry;
}

/** Whether the step has anything to do: no rules, no limits, no Prefer costs nothing, not even a promise. */
export const faultStepNeeded = (deps: FaultStepDeps, prefer: string | undefined): boolean => !deps.faults.isEmpty || deps.rateLimits.enabled || prefer !== undefined;

/**
 * The fault and rate-limit step of an API request, before authentication: `Prefer`, then the
 * fault rules (counted down synchronously, before any await), then the rate limit; then the
 * delay they add.
 */
export function faultStep(
  c: Context<AppEnv>,
  deps: FaultStepDeps,
  operation: OperationDescriptor,
  params: Record<string, string>,
): FaultStepResult | Promise<FaultStepResult> | undefined {
  const preferHeader = requestHeader(c, 'prefer');
  const limit = deps.rateLimits.limitFor(operation.tier);
  if (deps.faults.isEmpty && preferHeader === undefined && limit === undefined) return undefined;

  let prefer: PreferFault | undefined;
  try {
    prefer = parsePrefer(preferHeader);
  } catch (error) {
    if (error instanceof PreferError) throw new ApiError(400, error.message);
    throw error;
  }
  if (prefer?.code !== undefined) {
    c.set('fault', 'prefer');
    const code = prefer.code;
    return after(prefer.delayMs ?? 0, () => ({ response: respond(c, code, {}), fault: 'prefer' }));
  }

  // Everything up to here is synchronous: `times` is counted down before anything awaits.
  const decision = deps.faults.isEmpty
    ? undefined
    : deps.faults.decide({
        method: c.req.method,
        path: c.req.path,
        operationId: operation.operationId,
        params,
        header: (name) => requestHeader(c, name),
        namedOnly: operation.faults === 'named',
      });
  const retryAfter = decision?.action || limit === undefined ? undefined : rateLimited(c, deps, operation, limit);
  const fault = decision?.ruleId ?? (retryAfter !== undefined ? 'rate-limit' : decision?.fired.join(','));
  if (fault) c.set('fault', fault);

  const delay = (prefer?.delayMs ?? 0) + (decision?.delayMs ?? 0);
  return after(delay, (): FaultStepResult => {
    if (decision?.action) return { ...act(c, decision.action, decision.ruleId!), fault };
    if (retryAfter !== undefined) {
      const seconds = String(retryAfter);
      return { response: errorJson(c, 429, tooManyDetail(seconds), { 'retry-after': seconds }), fault };
    }
    return { fault };
  });
}

/** `then()` now, or after `ms` milliseconds: no promise at all when there is no delay. */
function after<T>(ms: number, then: () => T): T | Promise<T> {
  return ms > 0 ? sleep(ms).then(then) : then();
}

/** Counts the request against its identity's window for the operation's tier; the seconds to wait when over. */
function rateLimited(c: Context<AppEnv>, deps: FaultStepDeps, operation: OperationDescriptor, limit: number): number | undefined {
  const token = bearerToken(requestHeader(c, 'authorization'));
  if (token === undefined) return undefined; // authentication answers 401
  const identity = deps.identities.resolve(token);
  return deps.rateLimits.hit(`${identity.userId}\u0000${identity.tenantId}`, operation.tier!.tier, limit);
}

function act(c: Context<AppEnv>, action: FaultAction, ruleId: string): FaultStepResult {
  switch (action.kind) {
    case 'respond':
      return { response: respond(c, action.status, action.headers, action.body) };
    case 'malformed-json':
      return {
        response: c.body(sendable(action.body ?? MALFORMED_JSON, action.headers), action.status as 200, { 'content-type': 'application/json; charset=UTF-8', ...action.headers }),
      };
    case 'reset':
      return { response: resetConnection(c, ruleId), dropped: true };
  }
}

/** An injected status: the API's error body (or the rule's own body) with the headers the status calls for. */
function respond(c: Context<AppEnv>, status: number, ruleHeaders: Readonly<Record<string, string>>, body?: unknown): Response {
  const headers: Record<string, string> = {};
  const given = (name: string) => Object.keys(ruleHeaders).find((h) => h.toLowerCase() === name);
  if (status === 429 && !given('retry-after')) headers['retry-after'] = DEFAULT_RETRY_AFTER;
  if (status === 401 && !given('www-authenticate')) headers['www-authenticate'] = 'Bearer';
  Object.assign(headers, ruleHeaders);
  if (body === undefined) {
    const retryAfter = status === 429 ? (ruleHeaders[given('retry-after') ?? ''] ?? DEFAULT_RETRY_AFTER) : undefined;
    const detail = retryAfter !== undefined ? tooManyDetail(retryAfter) : (DETAILS[status] ?? `The service answered ${status}.`);
    const errorAnswer = errorBody(status, detail);
    c.set('error', { detail, traceId: errorAnswer.traceId });
    return c.body(sendable(JSON.stringify(errorAnswer), ruleHeaders), status as 400, { 'content-type': 'application/json', ...headers });
  }
  if (typeof body === 'string') return c.body(sendable(body, ruleHeaders), status as 400, { 'content-type': 'text/plain; charset=UTF-8', ...headers });
  return c.body(sendable(JSON.stringify(body), ruleHeaders), status as 400, { 'content-type': 'application/json', ...headers });
}

/**
 * The body as bytes when a rule's header holds a latin-1 character above U+007F: Node writes the
 * head of an answer whose body is a string together with it, as UTF-8 (é would leave as two
 * bytes), and the head alone as latin-1 (é leaves as the byte 0xE9, as the rule says).
 */
function sendable(body: string, ruleHeaders: Readonly<Record<string, string>> | undefined): string | Uint8Array<ArrayBuffer> {
  if (!ruleHeaders) return body;
  for (const value of Object.values(ruleHeaders)) if (/[\x80-\xff]/.test(value)) return new Uint8Array(Buffer.from(body));
  return body;
}

/** FACTS.md: "You need to wait N seconds until limit is lifted." */
const tooManyDetail = (retryAfter: string): string =>
  /^\d+$/.test(retryAfter) ? `You need to wait ${retryAfter} seconds until limit is lifted.` : 'The API rate limit was reached; retry later.';

/**
 * Drops the connection without an answer (TCP reset on a real socket). @hono/node-server puts
 * the Node request in `c.env.incoming`; its `x-hono-already-sent` response header tells the
 * server not to write anything afterwards. Without a socket (`app.request()`), rejects.
 * Requests pipelined before this one keep their answers: Node gives this answer its socket only
 * once theirs are sent, and the reset waits for that.
 */
function resetConnection(c: Context<AppEnv>, ruleId: string): Response {
  const socket = incomingOf(c)?.socket;
  if (!socket) throw new ConnectionReset(ruleId);
  const drop = () => (typeof socket.resetAndDestroy === 'function' ? socket.resetAndDestroy() : socket.destroy());
  const outgoing = outgoingOf(c);
  if (outgoing && !outgoing.socket && !socket.destroyed) outgoing.once('socket', drop);
  else drop();
  return new Response(null, { headers: { 'x-hono-already-sent': 'true' } });
}
