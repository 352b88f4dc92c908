/** What a request carries through the Hono app besides the request itself. */
export type AppEnv = {
  Variables: {
    /** The operation the request is, once resolved (for logs and the journal). */
    operationId?: string;
    /** The id of the fault rule (or `prefer`, `rate-limit`) that answered the request, if any. */
    fault?: string;
  };
};
