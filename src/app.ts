import { Hono } from 'hono';
import { frontDoor } from './control/front-door.js';
import { controlRoutes } from './control/routes.js';
import { isUiPath } from './control/ui.js';
import { corsMiddleware, type BrowserPolicy } from './http/cors.js';
import type { AppEnv } from './http/env.js';
import { ApiError, errorResponse } from './http/errors.js';
import { defaultLogFormat, logOutput, requestLogger, useColor, type LogOutput } from './http/logging.js';
import { allOperations } from './operations/catalog.js';
import { apiPipeline } from './pipeline/api.js';
import { ConnectionReset } from './pipeline/faults.js';
import type { MockRuntime } from './runtime/mock-runtime.js';
import type { MockOptions } from './runtime/options.js';
import { SESSION_HEADER, sessionName } from './runtime/sessions.js';

export type { AppEnv } from './http/env.js';

/** The Hono app of one mock: browser safety, the control API under /__mock, then the API pipeline. Wiring only. */
export function buildApp(runtime: MockRuntime, server: { boundHost?: string; log?: LogOutput } = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { options } = runtime;
  const level = options.logLevel ?? 'silent';
  if (level !== 'silent') {
    const format = options.logFormat ?? (options.logSink ? 'json' : defaultLogFormat());
    const color = format === 'pretty' && !options.logSink && useColor();
    app.use('*', requestLogger(level, format, server.log ?? logOutput(options.logSink), color)!);
  }
  app.use('*', corsMiddleware(browserPolicy(options, server.boundHost)));
  // The session a request names (x-mock-session) picks its world, on the API and the control API alike.
  app.use('*', async (c, next) => {
    const name = sessionName(c.req.header(SESSION_HEADER));
    if (name !== undefined) c.set('session', name);
    c.set('world', runtime.sessions.world(name));
    await next();
  });

  const { controlToken } = runtime.options;
  if (controlToken) {
    app.use('/__mock/*', async (c, next) => {
      // The health check stays open so container healthchecks work without the token; the
      // dashboard's files hold no data (the page asks for the token, then sends it on every call).
      const open = c.req.path === '/__mock/health' || isUiPath(c.req.path);
      if (!open && c.req.header('authorization') !== `Bearer ${controlToken}`) {
        throw new ApiError(401, 'The control API requires "Authorization: Bearer <control token>".', { 'www-authenticate': 'Bearer' });
      }
      await next();
    });
  }
  // Routed before the API pipeline: nothing there is ever faulted, limited or journaled.
  app.route('/__mock', controlRoutes(runtime));
  app.get('/', frontDoor(runtime));

  app.all(
    '*',
    apiPipeline({
      operations: allOperations(runtime.contracts),
      validators: (operation) => runtime.validators[operation.contract === 'v1' ? 'v1' : 'core'],
      world: (c) => c.get('world'),
      publicBaseUrl: runtime.publicBaseUrl,
    }),
  );

  // A reset without a socket (app.request) rejects like fetch on a network error.
  app.onError((error, c) => {
    if (error instanceof ConnectionReset) throw error;
    return errorResponse(c, error);
  });
  app.notFound((c) => errorResponse(c, new ApiError(404, `No route matches ${c.req.method} ${c.req.path}.`)));
  return app;
}

/** Who may use the mock from a browser: loopback, and what the options add (the public base URL's origin and host, the bound address). */
function browserPolicy(options: MockOptions, boundHost: string | undefined): BrowserPolicy {
  const publicUrl = options.publicBaseUrl ? new URL(options.publicBaseUrl) : undefined;
  const origins = options.corsOrigins?.includes('*') ? '*' : [...(options.corsOrigins ?? []), ...(publicUrl ? [publicUrl.origin] : [])];
  const bound = boundHost && boundHost !== '0.0.0.0' && boundHost !== '::' ? [boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost] : [];
  return { origins, hosts: [...(options.allowedHosts ?? []), ...(publicUrl ? [publicUrl.host] : []), ...bound] };
}
