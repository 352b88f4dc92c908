import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MockWorld } from '../runtime/world.js';
import type { JournaledLine } from './log-line.js';

/** What a request carries through the Hono app besides the request itself. */
export type AppEnv = {
  Variables: {
    /** The world the request acts on: its session's, or the default one. */
    world: MockWorld;
    /** The session named by `x-mock-session`; absent for the default session. */
    session?: string;
    /** The operation the request is, once resolved (for logs and the journal). */
    operationId?: string;
    /** The id of the fault rule (or `prefer`, `rate-limit`) that answered the request, if any. */
    fault?: string;
    /** The connection was dropped (a fault, a client gone mid-body): no status was sent. */
    dropped?: boolean;
    /** Why an answer in the error shape was given: its detail and traceId. */
    error?: { detail: string; traceId: string };
    /** An API request's journal record, for its log line. */
    journaled?: JournaledLine;
    /** An unexpected error the request ran into, on one line (for its log line; the answer says only that it is a bug). */
    unexpected?: string;
  };
};

/**
 * Node's request under a real socket (@hono/node-server hands it over as `c.env.incoming`);
 * undefined under `app.request()`. Bodies are read from it directly: what a reader leaves
 * unread is then discarded as it arrives (the stream keeps flowing), so a connection whose
 * answer did not need all of its body is never left stalled.
 */
export const incomingOf = (c: { env: unknown }): IncomingMessage | undefined => (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;

/** Node's response under a real socket (`c.env.outgoing`); undefined under `app.request()`. */
export const outgoingOf = (c: { env: unknown }): ServerResponse | undefined => (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;

/**
 * A request header, read from Node's own parsed headers when the request came over a socket:
 * `c.req.header()` builds an undici Headers of every header on first use, which cost more than
 * a fifth of a GET's CPU. `name` is lower case. Repeated headers are joined with ", " as Headers
 * would (Node keeps the first of those that may appear once, such as Authorization).
 */
export function requestHeader(c: { env: unknown; req: { header(name: string): string | undefined } }, name: string): string | undefined {
  const incoming = incomingOf(c);
  if (!incoming) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
