import type { MockWorld } from '../runtime/world.js';

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
    /** Why an answer in the error shape was given: its detail and traceId. */
    error?: { detail: string; traceId: string };
    /** An unexpected error the request ran into, on one line (for its log line; the answer says only that it is a bug). */
    unexpected?: string;
  };
};
