import { Hono, type Context } from 'hono';
import { frontDoor } from './control/front-door.js';
import { controlRoutes } from './control/routes.js';
import { isOpenWithoutToken, isUiPath } from './control/ui.js';
import { browserStep, type BrowserPolicy } from './http/cors.js';
import { requestHeader, type AppEnv } from './http/env.js';
import { ApiError, errorResponse } from './http/errors.js';
import { logFormatOf, loggingMiddleware, logOutput, requestLogger, useColor, type LogOutput } from './http/logging.js';
import { allOperations } from './operations/catalog.js';
import { apiPipeline } from './pipeline/api.js';
import { bearerToken } from './pipeline/auth.js';
import { ConnectionReset } from './pipeline/faults.js';
import type { MockRuntime } from './runtime/mock-runtime.js';
import type { MockOptions } from './runtime/options.js';
import { SESSION_HEADER, sessionName } from './runtime/sessions.js';

export type { AppEnv } from './http/env.js';

/**
 * The Hono app of one mock. Wiring only: the control API under /__mock and the front door at /,
 * each behind logging, browser safety, the request's session and the control token; then the
 * API, where the same steps are called in line, so that an API request is one handler to Hono
 * (its fast path: no middleware chain, no promise when nothing needs one).
 */
export function buildApp(runtime: MockRuntime, server: { boundHost?: string; log?: LogOutput } = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { options } = runtime;
  const level = options.logLevel ?? 'silent';
  const format = logFormatOf(options);
  const log = level === 'silent' ? undefined : requestLogger(level, format, server.log ?? logOutput(options.logSink), format === 'pretty' && !options.logSink && useColor());
  const browser = browserStep(browserPolicy(options, server.boundHost));
  // The session a request names (x-mock-session) picks its world, on the API and the control API alike.
  const pickWorld = (c: Context<AppEnv>): void => {
    const name = sessionName(requestHeader(c, SESSION_HEADER));
    if (name !== undefined) c.set('session', name);
    c.set('world', runtime.sessions.world(name));
  };

  // The mock's own routes: the control API (never faulted, limited or journaled) and the front door.
  const { controlToken } = options;
  for (const path of ['/__mock/*', '/']) {
    if (log) app.use(path, loggingMiddleware(log));
    app.use(path, browser.middleware);
    // The token before the session: a refused request must not make one.
    if (controlToken && path === '/__mock/*') {
      app.use(path, async (c, next) => {
        // The dashboard's page asks for the token, then sends it on every call. The token is read
        // as the API reads its tokens: the scheme in any case (RFC 9110 §11.1).
        if (!isOpenWithoutToken(c.req.path) && bearerToken(requestHeader(c, 'authorization')) !== controlToken) {
          throw new ApiError(401, 'The control API requires "Authorization: Bearer <control token>".', { 'www-authenticate': 'Bearer' });
        }
        await next();
      });
    }
    app.use(path, async (c, next) => {
      pickWorld(c);
      await next();
    });
  }
  app.route('/__mock', controlRoutes(runtime));
  const door = frontDoor(runtime);
  app.all('/', (c) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') throw new ApiError(405, `${c.req.method} is not allowed here; allowed: GET, HEAD.`, { allow: 'GET, HEAD' });
    return door(c);
  });

  const pipeline = apiPipeline({
    operations: allOperations(runtime.contracts),
    validators: (operation) => runtime.validators[operation.contract === 'v1' ? 'v1' : 'core'],
    world: (c) => c.get('world'),
    publicBaseUrl: runtime.publicBaseUrl,
  });
  app.all('*', (c): Response | Promise<Response> => {
    const started = performance.now();
    const done = (response: Response): Response | Promise<Response> => {
      const answer = browser.finish(c, response);
      log?.(c, answer, started);
      return c.req.method === 'HEAD' ? withContentLength(answer) : answer;
    };
    let response: Response | Promise<Response>;
    try {
      response = browser.check(c) ?? (pickWorld(c), pipeline(c));
    } catch (error) {
      // Rejected, not thrown: app.request() then rejects as fetch does on a network error.
      if (error instanceof ConnectionReset) return Promise.reject(error);
      response = errorResponse(c, error);
    }
    return response instanceof Promise ? response.then(done) : done(response);
  });

  // A reset without a socket (app.request) rejects like fetch on a network error.
  app.onError((error, c) => {
    if (error instanceof ConnectionReset) throw error;
    return errorResponse(c, error);
  });
  app.notFound((c) => errorResponse(c, new ApiError(404, `No route matches ${c.req.method} ${c.req.path}.`)));
  return app;
}

/** HEAD: the headers GET sends, its Content-Length included (Hono drops the body, and Node would count none). */
async function withContentLength(response: Response): Promise<Response> {
  if (response.body === null || response.headers.has('content-length')) return response;
  const headers = new Headers(response.headers);
  headers.set('content-length', String((await response.arrayBuffer()).byteLength));
  return new Response(null, { status: response.status, headers });
}

/** Who may use the mock from a browser: loopback, and what the options add (the public base URL's origin and host, the bound address). */
function browserPolicy(options: MockOptions, boundHost: string | undefined): BrowserPolicy {
  const publicUrl = options.publicBaseUrl ? new URL(options.publicBaseUrl) : undefined;
  const origins = options.corsOrigins?.includes('*') ? '*' : [...(options.corsOrigins ?? []), ...(publicUrl ? [publicUrl.origin] : [])];
  const bound = boundHost && boundHost !== '0.0.0.0' && boundHost !== '::' ? [boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost] : [];
  return { origins, hosts: [...(options.allowedHosts ?? []), ...(publicUrl ? [publicUrl.host] : []), ...bound], isPage: (path) => path === '/' || isUiPath(path) };
}
