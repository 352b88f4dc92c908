import type { ServerResponse } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { outgoingOf, requestHeader } from './env.js';
import { errorJson } from './errors.js';

const EXPOSE_HEADERS = ['retry-after', 'allow', 'www-authenticate', 'qlik-confirm-delete', 'location'];

/** Which browsers may talk to the mock, and under which host names. */
export interface BrowserPolicy {
  /** Allowed origins besides loopback ones; `'*'` allows any (unsafe: any web page can drive the mock). */
  origins?: readonly string[] | '*';
  /** Host names a browser may reach the mock under, besides loopback ones (the bound address, the public base URL's, --allowed-hosts). */
  hosts?: readonly string[];
  /** Pages a link from another site may open (a top-level GET that holds no data: the dashboard's files, the front door). */
  isPage?: (path: string) => boolean;
}

/** `localhost`, `*.localhost`, 127.0.0.0/8 and ::1: names only this machine answers. */
export function isLoopbackHost(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost') || /^127(?:\.\d{1,3}){3}$/.test(name) || name === '[::1]' || name === '::1';
}

/**
 * Suffixes no one can register in public DNS (RFC 6761, RFC 2606, ICANN's `.internal`): a page
 * cannot point such a name at this machine, so clients may reach the mock under it
 * (`host.docker.internal`, `mock.test`). `.local` is not one: anyone on the LAN answers mDNS.
 */
const PRIVATE_SUFFIXES = ['.localhost', '.test', '.example', '.invalid', '.internal'];

/**
 * A host name a web page could own and point at this machine (DNS rebinding), so that its
 * same-origin GETs, which carry neither Origin nor Sec-Fetch-Site over plain http, reach the mock
 * looking like curl's: a dotted name under a public suffix. Not an IP address (no DNS is asked), a
 * name without a dot (a service container's `qlik`, resolved by the local resolver) or a private suffix.
 */
export function isPublicDnsName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (!name.includes('.') || name.startsWith('[') || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(name)) return false;
  return !PRIVATE_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

/** The host name of a Host header (`[::1]:8080` → `[::1]`), lower case. */
const hostnameOf = (host: string): string => (host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]).toLowerCase();

/** A loopback origin, any port: `http://localhost:5173`, `http://127.0.0.1:3000`, `https://[::1]`. */
const isLoopbackOrigin = (origin: string): boolean => {
  const m = /^https?:\/\/(\[[^\]]+\]|[^/:]+)(?::\d{1,5})?$/i.exec(origin);
  return m !== null && isLoopbackHost(m[1]);
};

/** A link followed from another site to one of the mock's pages: reading it changes nothing, and its answer goes to the user, not to the site. */
const isNavigationTo = (c: Context, isPage: ((path: string) => boolean) | undefined): boolean =>
  isPage !== undefined && (c.req.method === 'GET' || c.req.method === 'HEAD') && requestHeader(c, 'sec-fetch-mode') === 'navigate' && isPage(c.req.path);

/** The outgoing Node response under a real socket, where CORS headers can go straight on it (not yet written). */
const writableOutgoing = (c: Context): ServerResponse | undefined => {
  const outgoing = outgoingOf(c);
  return outgoing && typeof outgoing.setHeader === 'function' && !outgoing.headersSent ? outgoing : undefined;
};

export interface BrowserStep {
  /**
   * Before a request is handled: a refusal (403) or a preflight's answer; else undefined, the
   * CORS headers (or only `Vary: Origin`) then being set for whatever answer follows.
   */
  check(c: Context): Response | Promise<Response> | undefined;
  /** After the answer, without a socket: adds the headers an answer built outside the context lacks, in place. */
  finish(c: Context, response: Response): Response;
  /** The same as a middleware (for the control API and the front door). */
  middleware: MiddlewareHandler;
}

/**
 * Browser safety and CORS in one step. A request is a browser's when it carries `Origin` or
 * `Sec-Fetch-Site` (Node's own fetch sends `Sec-Fetch-Mode` too, so that alone is no sign).
 * A browser's request is refused (403, before it can change anything, whatever its method or
 * content type) when its Host is not a name the mock may be reached under (DNS rebinding), when
 * its Origin is neither allowed nor its own, or when it comes from another site without one. Other
 * clients (curl, SDKs, CI service names) pass untouched and get only `Vary: Origin`, unless they
 * name a public DNS name the mock does not answer to as their Host (a rebinding page's GET).
 *
 * Preflights of allowed origins go to hono/cors. Other allowed requests get the same headers hono/cors would
 * give them, but not through `c.res`: hono/cors sets them there, which on @hono/node-server turns every
 * answer into a streamed Response (bench/profile.ts: it cost half the throughput of GET /{id}),
 * and even headers prepared with `c.header` cost a quarter of a GET's CPU (undici Headers).
 */
export function browserStep(policy: BrowserPolicy = {}): BrowserStep {
  const listed = policy.origins === '*' ? undefined : new Set(policy.origins ?? []);
  const hosts = new Set((policy.hosts ?? []).map((h) => hostnameOf(h)));
  const allowOrigin = (origin: string) => (listed === undefined || listed.has(origin) || isLoopbackOrigin(origin) ? origin : null);
  const preflight = cors({
    origin: allowOrigin,
    credentials: true,
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    exposeHeaders: EXPOSE_HEADERS,
    maxAge: 600,
  });
  const exposed = EXPOSE_HEADERS.join(',');
  const refuse = (c: Context, detail: string) => errorJson(c, 403, detail, { vary: 'Origin' });
  const noNext = async () => {};
  /** Whether a Host header (as sent, port included) is a public DNS name the mock does not answer to; a few kept, most requests send one. */
  const refusedHosts = new Map<string, boolean>();
  const isRefusedHost = (host: string): boolean => {
    let refused = refusedHosts.get(host);
    if (refused === undefined) {
      const hostname = hostnameOf(host);
      refused = isPublicDnsName(hostname) && !hosts.has(hostname);
      if (refusedHosts.size >= 64) refusedHosts.clear();
      refusedHosts.set(host, refused);
    }
    return refused;
  };
  const hostOf = (c: Context): string => requestHeader(c, 'host') ?? c.req.url.slice(c.req.url.indexOf('//') + 2).split('/')[0];
  /** The origin a request's answer allows (null: only Vary), kept for `finish`. */
  const allowedOf = new WeakMap<Context, string | null>();

  const setHeaders = (c: Context, allowed: string | null): void => {
    const outgoing = writableOutgoing(c);
    if (outgoing) {
      // On a socket (@hono/node-server), straight on Node's response: they merge into whatever
      // answer is written, and Hono's responses keep plain header objects (no Headers to build).
      if (allowed !== null) {
        outgoing.setHeader('Access-Control-Allow-Origin', allowed);
        outgoing.setHeader('Access-Control-Allow-Credentials', 'true');
        outgoing.setHeader('Access-Control-Expose-Headers', exposed);
      }
      outgoing.setHeader('Vary', 'Origin');
      return;
    }
    allowedOf.set(c, allowed);
    applyTo((name, value, append) => c.header(name, value, { append }), allowed);
  };
  const applyTo = (set: (name: string, value: string, append?: boolean) => void, allowed: string | null) => {
    if (allowed !== null) {
      set('Access-Control-Allow-Origin', allowed);
      set('Access-Control-Allow-Credentials', 'true');
      set('Access-Control-Expose-Headers', exposed);
    }
    set('Vary', 'Origin', true);
  };

  const check = (c: Context): Response | Promise<Response> | undefined => {
    const origin = requestHeader(c, 'origin');
    const site = origin === undefined ? requestHeader(c, 'sec-fetch-site')?.toLowerCase() : undefined;
    // No Origin, no CORS request (curl, SDKs, server-side code): only `Vary: Origin`, so a cache
    // never serves this answer to a browser. Three headers fewer cost 6 % of a GET's CPU. But a
    // rebinding page's GET looks the same, save for its Host: a public name is refused here too.
    if (origin === undefined && site === undefined) {
      const host = hostOf(c);
      if (isRefusedHost(host)) {
        return refuse(c, `The mock was reached as "${host.slice(0, 200)}", a public host name it does not answer to: a web page pointing its own name at this machine (DNS rebinding) would reach it so. Use localhost, an IP address or a name without a dot, or start it with --allowed-hosts ${hostnameOf(host).slice(0, 200)}.`);
      }
      return void setHeaders(c, null);
    }

    const url = new URL(c.req.url);
    const hostname = url.hostname.toLowerCase();
    if (!isLoopbackHost(hostname) && !hosts.has(hostname)) {
      return refuse(c, `A browser reached the mock as "${url.host}", a host name it does not answer to (DNS rebinding?); use localhost, or start it with --allowed-hosts ${hostname}.`);
    }
    if (origin === undefined) {
      if (site === 'cross-site' && !isNavigationTo(c, policy.isPage)) return refuse(c, 'A request from another site without an Origin is refused: a web page may not drive the mock.');
      return void setHeaders(c, null);
    }
    const allowed = allowOrigin(origin) ?? (origin === url.origin ? origin : null);
    if (!allowed) return refuse(c, `The origin ${JSON.stringify(origin.slice(0, 200))} may not use the mock; loopback origins may, others when listed in --cors-origins.`);
    // Without an Origin an OPTIONS is no preflight: it goes on like any request (405, with Allow).
    if (c.req.method === 'OPTIONS' && requestHeader(c, 'access-control-request-method') !== undefined) return preflight(c, noNext) as Promise<Response>;
    setHeaders(c, allowed);
    return undefined;
  };

  const finish = (c: Context, response: Response): Response => {
    const allowed = allowedOf.get(c);
    // On a socket, or an answer the context built (c.json, c.body): the headers are on it already.
    if (allowed === undefined || /\borigin\b/i.test(response.headers.get('vary') ?? '')) return response;
    applyTo((name, value, append) => (append ? response.headers.append(name, value) : response.headers.set(name, value)), allowed);
    return response;
  };

  return {
    check,
    finish,
    middleware: async (c, next) => {
      const early = check(c);
      if (early) return early;
      await next();
      // In place: assigning c.res would rebuild the answer around a stream (no shared buffer).
      finish(c, c.res);
    },
  };
}
