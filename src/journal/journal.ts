import { RingBuffer } from './ring-buffer.js';

/** How many requests the journal keeps by default (the oldest are dropped). */
export const DEFAULT_JOURNAL_LIMIT = 1000;
/** Request bodies longer than this are kept as truncated text. */
export const JOURNAL_BODY_LIMIT = 64 * 1024;

/** A request body as journaled: the parsed JSON (by reference), or text when it is not JSON or too long. */
export type JournalBody = { json: unknown } | { text: string; truncated?: boolean };

/** What the request path hands the journal: cheap references, formatted only when read. */
export interface JournalRecord {
  /** Epoch milliseconds when the request arrived. */
  at: number;
  method: string;
  path: string;
  /** The query string as received, without `?` ('' when none). */
  search: string;
  operationId?: string;
  headers: Iterable<[string, string]>;
  body?: JournalBody;
  /** The status answered; 0 when the connection was dropped without an answer. */
  status: number;
  durationMs: number;
  /** What forced the answer: a fault rule id, `prefer` or `rate-limit`. */
  fault?: string;
}

/** A journal entry as served by GET /__mock/requests. */
export interface JournalEntry {
  id: number;
  time: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  operationId: string | null;
  headers: Record<string, string>;
  body?: unknown;
  bodyTruncated?: true;
  status: number;
  durationMs: number;
  fault?: string;
}

export interface JournalFilter {
  operationId?: string;
  method?: string;
  status?: number;
  /** Only the last `limit` matches. */
  limit?: number;
}

const REDACTED_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

/** `Bearer abc` → `Bearer [REDACTED]`; any other credential → `[REDACTED]`. */
export function redactHeader(name: string, value: string): string {
  if (!REDACTED_HEADERS.has(name)) return value;
  const scheme = /^(bearer|basic)\s/i.exec(value);
  return scheme ? `${scheme[1]} [REDACTED]` : '[REDACTED]';
}

/** The last N API requests, newest last. Recording is O(1) and copies nothing large. */
export class RequestJournal {
  private readonly buffer: RingBuffer<JournalRecord & { id: number }>;
  private nextId = 1;

  constructor(readonly limit = DEFAULT_JOURNAL_LIMIT) {
    this.buffer = new RingBuffer(limit);
  }

  get size(): number {
    return this.buffer.size;
  }

  /** Keeps the record (by reference: a body that arrives later is attached to it). */
  record(record: JournalRecord): JournalRecord {
    this.buffer.push(Object.assign(record, { id: this.nextId++ }));
    return record;
  }

  list(filter: JournalFilter = {}): JournalEntry[] {
    const method = filter.method?.toUpperCase();
    let records = this.buffer
      .toArray()
      .filter(
        (r) =>
          (filter.operationId === undefined || r.operationId === filter.operationId) &&
          (method === undefined || r.method === method) &&
          (filter.status === undefined || r.status === filter.status),
      );
    if (filter.limit !== undefined) records = records.slice(Math.max(0, records.length - filter.limit));
    return records.map(format);
  }

  clear(): void {
    this.buffer.clear();
  }
}

function format(record: JournalRecord & { id: number }): JournalEntry {
  // Null-prototype objects: a header or parameter named __proto__ stays a plain key.
  const headers: Record<string, string> = Object.create(null);
  for (const [name, value] of record.headers) headers[name] = redactHeader(name.toLowerCase(), value);
  const query: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of new URLSearchParams(record.search)) {
    const seen = query[name];
    query[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  const entry = {
    id: record.id,
    time: new Date(record.at).toISOString(),
    method: record.method,
    path: record.path,
    query,
    operationId: record.operationId ?? null,
    headers,
  } as JournalEntry;
  if (record.body !== undefined) {
    if ('json' in record.body) entry.body = record.body.json;
    else {
      entry.body = record.body.text;
      if (record.body.truncated) entry.bodyTruncated = true;
    }
  }
  entry.status = record.status;
  entry.durationMs = record.durationMs;
  if (record.fault !== undefined) entry.fault = record.fault;
  return entry;
}
