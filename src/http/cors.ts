import type { ServerResponse } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

const EXPOSE_HEADERS = ['retry-after', 'allow', 'www-authenticate', 'qlik-confirm-delete'];

/**
 * CORS for frontends in development: any origin by default (reflected, so credentials work),
 * or only the configured ones. Preflights are answered; request headers such as
 * `qlik-confirm-delete` are allowed as asked for, and the headers a client may need to read are exposed.
 *
 * Preflights go to hono/cors. Other requests with an Origin get the same headers hono/cors would
 * give them, but not through `c.res`: hono/cors sets them there, which on @hono/node-server turns every
 * answer into a streamed Response (bench/profile.ts: it cost half the throughput of GET /{id}),
 * and even headers prepared with `c.header` cost a quarter of a GET's CPU (undici Headers).
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
    const origin = c.req.header('origin');
    // Without an Origin an OPTIONS is no preflight: it goes on like any request (405, with Allow).
    if (c.req.method === 'OPTIONS' && origin) return preflight(c, next);
    // No Origin, no CORS request (curl, SDKs, server-side code): only `Vary: Origin`, so a cache
    // never serves this answer to a browser. Three headers fewer cost 6 % of a GET's CPU.
    const allowed = origin ? allowOrigin(origin) : null;
    // On a socket (@hono/node-server), straight on Node's response: they merge into whatever
    // answer is written, and Hono's responses keep plain header objects (no Headers to build).
    const outgoing = (c.env as { outgoing?: Pick<ServerResponse, 'setHeader' | 'headersSent'> } | undefined)?.outgoing;
    if (outgoing && typeof outgoing.setHeader === 'function' && !outgoing.headersSent) {
      if (origin) {
        if (allowed) outgoing.setHeader('Access-Control-Allow-Origin', allowed);
        outgoing.setHeader('Access-Control-Allow-Credentials', 'true');
        outgoing.setHeader('Access-Control-Expose-Headers', exposed);
      }
      outgoing.setHeader('Vary', 'Origin');
      return next();
    }
    const apply = () => {
      if (origin) {
        if (allowed) c.header('Access-Control-Allow-Origin', allowed);
        c.header('Access-Control-Allow-Credentials', 'true');
        c.header('Access-Control-Expose-Headers', exposed);
      }
      c.header('Vary', 'Origin', { append: true });
    };
    apply(); // picked up by every response the context builds (c.json, c.body, the error handler)
    await next();
    // A Response built without the context did not get them: add them to it (the slow way).
    if (!/\borigin\b/i.test(c.res.headers.get('vary') ?? '')) apply();
  };
}
