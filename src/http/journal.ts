import type { Context } from 'hono';
import type { JournalBody } from '../journal/journal.js';
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
 * string as received; the body only for methods that carry one (what the handler already
 * parsed, or else the unread body, capped), and only then is there a promise to wait for.
 * Formatting waits until someone reads the journal.
 */
export function recordRequest(c: Context<AppEnv>, runtime: MockRuntime, outcome: Outcome): Promise<void> | undefined {
  const method = c.req.raw.method;
  if (outcome.dropped || method === 'GET' || method === 'HEAD') {
    record(c, runtime, outcome, undefined);
    return undefined;
  }
  return journalBody(c.req.raw).then((body) => record(c, runtime, outcome, body));
}

function record(c: Context<AppEnv>, runtime: MockRuntime, outcome: Outcome, body: JournalBody | undefined): void {
  const request = c.req.raw;
  const url = request.url;
  const q = url.indexOf('?');
  runtime.journal.record({
    at: outcome.at,
    method: request.method,
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
