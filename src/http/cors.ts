import { cors } from 'hono/cors';

/**
 * CORS for frontends in development: any origin by default (reflected, so credentials work),
 * or only the configured ones. Preflights are answered; request headers such as
 * `qlik-confirm-delete` are allowed as asked for, and the headers a client may need to read are exposed.
 */
export function corsMiddleware(origins?: readonly string[]) {
  return cors({
    origin: (origin) => (origins && origins.length > 0 ? (origins.includes(origin) ? origin : null) : origin || '*'),
    credentials: true,
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    exposeHeaders: ['retry-after', 'allow', 'www-authenticate', 'qlik-confirm-delete'],
    maxAge: 600,
  });
}
