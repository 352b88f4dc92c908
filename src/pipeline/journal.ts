import type { Context } from 'hono';
import type { JournalRecord } from '../journal/journal.js';
import type { MockRuntime } from '../runtime/mock-runtime.js';
import type { AppEnv } from './app.js';
import { journalBody } from './body.js';
import { TOKEN_OPERATION } from './operations.js';
import { maskCredentials } from './token.js';

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
 * Journals an API request with its final status: the headers and query string as received; the
 * body only for methods that carry one (what the handler already parsed, or else the unread
 * body, capped). Parsing the query and redacting wait until someone reads the journal.
 */
export function recordRequest(c: Context<AppEnv>, runtime: MockRuntime, outcome: Outcome): void {
  const request = c.req.raw;
  const url = request.url;
  const q = url.indexOf('?');
  const record: JournalRecord = {
    at: outcome.at,
    method: request.method,
    path: c.req.path,
    search: q < 0 ? '' : url.slice(q + 1),
    operationId: outcome.operationId,
    headers: journalHeaders(c),
    status: outcome.status,
    durationMs: Math.round((performance.now() - outcome.started) * 100) / 100,
    fault: outcome.fault,
  };
  // The body is journaled when it has arrived, never awaited: a client that stalls part-way
  // through its body must still get the answer (a 401, a fault) that needs none of it.
  if (outcome.dropped || request.method === 'GET' || request.method === 'HEAD') {
    runtime.journal.record(record);
    return;
  }
  const body = journalBody(request);
  runtime.journal.record(record, outcome.operationId === TOKEN_OPERATION.operationId ? body.then(maskCredentials) : body);
}

/** The request's headers as a flat name/value list: on a socket, Node's own `rawHeaders`. */
function journalHeaders(c: Context<AppEnv>): readonly string[] {
  const raw = (c.env as { incoming?: { rawHeaders?: unknown } } | undefined)?.incoming?.rawHeaders;
  if (Array.isArray(raw)) return raw as string[];
  const flat: string[] = [];
  for (const [name, value] of c.req.raw.headers) flat.push(name, value);
  return flat;
}
