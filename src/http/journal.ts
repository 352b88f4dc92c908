import type { Context } from 'hono';
import type { MockRuntime } from '../runtime/mock-runtime.js';
import type { AppEnv } from './app.js';
import { journalBody } from './body.js';

export interface Outcome {
  /** Epoch ms and performance.now() when the request arrived. */
  at: number;
  started: number;
  /** The status answered; 0 when the connection was dropped. */
  status: number;
  operationId?: string;
  fault?: string;
  dropped?: boolean;
}

/**
 * Journals an API request with its final status. Cheap: the headers by reference, the query
 * string as received, the body only for methods that carry one (what the handler already
 * parsed, or else the unread body, capped); formatting waits until someone reads the journal.
 */
export async function recordRequest(c: Context<AppEnv>, runtime: MockRuntime, outcome: Outcome): Promise<void> {
  const request = c.req.raw;
  const method = request.method;
  const body = method === 'GET' || method === 'HEAD' || outcome.dropped ? undefined : await journalBody(request);
  const url = request.url;
  const q = url.indexOf('?');
  runtime.journal.record({
    at: outcome.at,
    method,
    path: c.req.path,
    search: q < 0 ? '' : url.slice(q + 1),
    operationId: outcome.operationId,
    headers: request.headers,
    body,
    status: outcome.status,
    durationMs: Math.round((performance.now() - outcome.started) * 100) / 100,
    fault: outcome.fault,
  });
}
