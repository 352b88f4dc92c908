import { Hono, type Context } from 'hono';
import { DomainError, type DomainErrorKind } from '../domain/errors.js';
import { QueryError } from '../query/errors.js';
import { DataFileError } from '../store/lowdb.js';
import type { MockRuntime } from '../runtime/mock-runtime.js';
import { operationHandlers } from './api.js';
import { authenticate } from './auth.js';
import { ApiError, errorBody } from './errors.js';
import { controlRoutes } from './control.js';
import { corsMiddleware } from './cors.js';
import { ConnectionReset, faultStep, type FaultStepResult } from './faults.js';
import { recordRequest } from './journal.js';
import { TOKEN_OPERATION } from './operations.js';
import { issueTokenHandler } from './token.js';
import { requestLogger } from './logging.js';

const DOMAIN_STATUS: Record<DomainErrorKind, number> = { invalid: 400, unauthenticated: 401, forbidden: 403, 'not-found': 404, conflict: 409 };

export type AppEnv = {
  Variables: {
    /** The contract operation the request is, once resolved (for logs and the journal). */
    operationId?: string;
    /** The id of the fault rule (or `prefer`) that answered the request, if any. */
    fault?: string;
  };
};

/** The Hono app: the API of the contract, and the control API under /__mock. Wiring only. */
export function buildApp(runtime: MockRuntime): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const handlers = operationHandlers(runtime);

  const logger = requestLogger(runtime.options.logLevel ?? 'silent', runtime.options.logSink);
  if (logger) app.use('*', logger);
  app.use('*', corsMiddleware(runtime.options.corsOrigins));

  const { controlToken } = runtime.options;
  if (controlToken) {
    app.use('/__mock/*', async (c, next) => {
      // The health check stays open so container healthchecks work without the token.
      if (c.req.path !== '/__mock/health' && c.req.header('authorization') !== `Bearer ${controlToken}`) {
        throw new ApiError(401, 'The control API requires "Authorization: Bearer <control token>".', { 'www-authenticate': 'Bearer' });
      }
      await next();
    });
  }
  app.route('/__mock', controlRoutes(runtime));

  // The API pipeline: resolve the operation; faults, Prefer and rate limits; auth; the handler.
  // Every request is journaled with its final status, errors and faults included.
  app.all('*', async (c) => {
    const at = Date.now();
    const started = performance.now();
    const match = runtime.resolver.resolve(c.req.method, c.req.path);
    const operationId = match.kind === 'operation' ? match.operation.operationId : undefined;
    let step: FaultStepResult | undefined;
    let response: Response;
    try {
      if (match.kind === 'not-found') throw new ApiError(404, `No route matches ${c.req.method} ${c.req.path}.`);
      if (match.kind === 'method-not-allowed') {
        throw new ApiError(405, `${c.req.method} is not allowed here; allowed: ${match.allow.join(', ')}.`, { allow: match.allow.join(', ') });
      }
      c.set('operationId', operationId);
      // No rules, no limits, no Prefer: the fault step costs nothing, not even a promise.
      if (!runtime.faults.isEmpty || runtime.rateLimits !== undefined || c.req.header('prefer') !== undefined) {
        const forced = faultStep(c, runtime, match.operation, match.params);
        step = forced instanceof Promise ? await forced : forced;
      }
      if (step?.response) response = step.response;
      else if (match.operation === TOKEN_OPERATION) response = await issueTokenHandler(c, runtime);
      else {
        const answer = handlers[match.operation.operationId]({ c, identity: authenticate(c.req.header('authorization'), runtime.identities), params: match.params });
        response = answer instanceof Promise ? await answer : answer;
      }
    } catch (error) {
      if (error instanceof ConnectionReset) {
        recordRequest(c, runtime, { at, started, status: 0, operationId, fault: error.ruleId, dropped: true });
        throw error;
      }
      response = errorResponse(c, error);
    }
    recordRequest(c, runtime, { at, started, status: step?.dropped ? 0 : response.status, operationId, fault: step?.fault, dropped: step?.dropped });
    return response;
  });

  // A reset without a socket (app.request) rejects like fetch on a network error.
  app.onError((error, c) => {
    if (error instanceof ConnectionReset) throw error;
    return errorResponse(c, error);
  });
  app.notFound((c) => errorResponse(c, new ApiError(404, `No route matches ${c.req.method} ${c.req.path}.`)));
  return app;
}

/** Every failure leaves in the API's error shape; nothing ever answers with a stack trace. */
export function errorResponse(c: Context<AppEnv>, error: unknown): Response {
  let status = 500;
  let detail = 'The mock failed unexpectedly; this is a bug in the mock.';
  let headers: Record<string, string> = {};
  if (error instanceof ApiError) ({ status, detail, headers } = error);
  else if (error instanceof DomainError) [status, detail] = [DOMAIN_STATUS[error.kind], error.message];
  else if (error instanceof QueryError) [status, detail] = [400, error.message];
  else if (error instanceof DataFileError) detail = `${error.message}.`;
  else console.error('[qlik-oauth-clients-mock] unexpected error:', error);
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return c.json(errorBody(status, detail), status as 400);
}
