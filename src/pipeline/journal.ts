import type { Context } from 'hono';
import { journalBody, mediaTypeOf } from '../http/body.js';
import { incomingOf, type AppEnv } from '../http/env.js';
import type { JournalRecord, RequestJournal } from '../journal/journal.js';
import { maskCredentials, maskQuery } from '../journal/redaction.js';
import type { OperationDescriptor } from '../operations/descriptor.js';

export interface Outcome {
  /** Epoch ms and performance.now() when the request arrived. */
  at: number;
  started: number;
  /** The status answered; 0 when the connection was dropped. */
  status: number;
  /** The operation the request resolved to (none for a 404 or 405). */
  operation?: OperationDescriptor;
  fault?: string;
  dropped?: boolean;
}

/**
 * Journals an API request with its final status: the headers and query string as received; the
 * body only for methods that carry one (what the handler already parsed, or else the unread
 * body, capped), as the operation's descriptor says to keep it. Parsing the query and redacting
 * headers wait until someone reads the journal.
 */
export function recordRequest(c: Context<AppEnv>, journal: RequestJournal, outcome: Outcome): void {
  const request = c.req.raw;
  const url = request.url;
  const q = url.indexOf('?');
  const record: JournalRecord = {
    at: outcome.at,
    method: request.method,
    path: c.req.path,
    search: q < 0 ? '' : maskQuery(url.slice(q + 1)),
    operationId: outcome.operation?.operationId,
    headers: journalHeaders(c),
    status: outcome.status,
    durationMs: Math.round((performance.now() - outcome.started) * 100) / 100,
    fault: outcome.fault,
  };
  if (outcome.status >= 400) record.error = c.get('error');
  // The body is journaled when it has arrived, never awaited: a client that stalls part-way
  // through its body must still get the answer (a 401, a fault) that needs none of it.
  if (outcome.dropped || request.method === 'GET' || request.method === 'HEAD') {
    journaled(c, journal, journal.record(record), record);
    return;
  }
  const body = journalBody(request, incomingOf(c));
  // A request that is no operation (a 404, a 405) may still be a token request sent astray
  // (/oauth/token/, PUT /oauth/token): its credentials are masked as the token endpoint's are.
  const keep = outcome.operation ? outcome.operation.journalBody : maskCredentials;
  journaled(c, journal, journal.record(record, keep ? body.then((received) => received && keep(received, mediaTypeOf(request))) : body), record);
}

/** What the request's log line is made of (the unexpected error is set by then: the answer is made). */
function journaled(c: Context<AppEnv>, journal: RequestJournal, id: number, record: JournalRecord): void {
  c.set('journaled', { journal, id, record, session: c.get('session'), unexpected: c.get('unexpected') });
}

/** The request's headers as a flat name/value list: on a socket, Node's own `rawHeaders`. */
function journalHeaders(c: Context<AppEnv>): readonly string[] {
  const raw = incomingOf(c)?.rawHeaders;
  if (Array.isArray(raw)) return raw;
  const flat: string[] = [];
  for (const [name, value] of c.req.raw.headers) flat.push(name, value);
  return flat;
}
