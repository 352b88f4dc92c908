import type { Context } from 'hono';
import type { JournalBody, JournalRecord } from '../journal/journal.js';
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
export function recordRequest(c: Context<AppEnv>, runtime: MockRuntime, outcome: Outcome): void {
  const method = c.req.raw.method;
  const entry = record(c, runtime, outcome, undefined);
  if (outcome.dropped || method === 'GET' || method === 'HEAD') return;
  // The body is attached when it has arrived, never awaited: a client that stalls part-way
  // through its body must still get the answer (a 401, a fault) that needs none of it.
  void journalBody(c.req.raw).then((body) => {
    entry.body = body;
  });
}

function record(c: Context<AppEnv>, runtime: MockRuntime, outcome: Outcome, body: JournalBody | undefined): JournalRecord {
  const request = c.req.raw;
  const url = request.url;
  const q = url.indexOf('?');
  return runtime.journal.record({
    at: outcome.at,
    method: request.method,
    path: c.req.path,
    search: q < 0 ? '' : url.slice(q + 1),
    operationId: outcome.operationId,
    headers: journalHeaders(c),
    body,
    status: outcome.status,
    durationMs: Math.round((performance.now() - outcome.started) * 100) / 100,
    fault: outcome.fault,
  });
}

/**
 * The request's headers for the journal, read only when the journal is: on a socket, just the
 * raw name/value list of Node's request, iterated as the Headers that @hono/node-server builds
 * from it. Holding `request.headers` kept every journaled Node request (and all it refers to)
 * alive: a tenth of a GET's CPU in garbage collection, and most of the memory growth under load.
 */
function journalHeaders(c: Context<AppEnv>): Iterable<[string, string]> {
  const raw = (c.env as { incoming?: { rawHeaders?: unknown } } | undefined)?.incoming?.rawHeaders;
  return Array.isArray(raw) ? new RawHeaders(raw as string[]) : c.req.raw.headers;
}

class RawHeaders implements Iterable<[string, string]> {
  constructor(private readonly raw: readonly string[]) {}

  [Symbol.iterator](): Iterator<[string, string]> {
    const headers = new Headers();
    for (let i = 0; i < this.raw.length; i += 2) if (!this.raw[i].startsWith(':')) headers.append(this.raw[i], this.raw[i + 1]);
    return headers[Symbol.iterator]();
  }
}

