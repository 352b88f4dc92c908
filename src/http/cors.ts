import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

const EXPOSE_HEADERS = ['retry-after', 'allow', 'www-authenticate', 'qlik-confirm-delete'];

/**
 * CORS for frontends in development: any origin by default (reflected, so credentials work),
 * or only the configured ones. Preflights are answered; request headers such as
 * `qlik-confirm-delete` are allowed as asked for, and the headers a client may need to read are exposed.
 *
 * Preflights go to hono/cors. Other requests get the same headers hono/cors would give them,
 * but set before the response exists: hono/cors sets them on `c.res`, which on
 * @hono/node-server turns every answer into a streamed Response (a third of the mock's
 * throughput, bench/profile.ts showed).
 */
export function corsMiddleware(origins?: readonly string[]): MiddlewareHandler {
  const allowOrigin = (origin: string) => (origins && origins.length > 0 ? (origins.includes(origin) ? origin : null) : origin || '*');
  const preflight = cors({
    origin: allowOrigin,
    credentials: true,
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    exposeHeaders: EXPOSE_HEADERS,
    maxAge: 600,
  });
  const exposed = EXPOSE_HEADERS.join(',');
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    const allowed = allowOrigin(c.req.header('origin') || '');
    const apply = () => {
      if (allowed) c.header('Access-Control-Allow-Origin', allowed);
      c.header('Access-Control-Allow-Credentials', 'true');
      c.header('Access-Control-Expose-Headers', exposed);
      c.header('Vary', 'Origin', { append: true });
    };
    apply(); // picked up by every response the context builds (c.json, c.body, the error handler)
    await next();
    // A Response built without the context did not get them: add them to it (the slow way).
    if (!c.res.headers.has('access-control-expose-headers')) apply();
  };
}
