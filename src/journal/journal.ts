import { ByteRing } from './byte-ring.js';
import { decodeRecord, encodeRecord, recordId, type StoredRecord } from './record-codec.js';
import { redactHeader } from './redaction.js';

/** How many requests the journal keeps by default (the oldest are dropped). */
export const DEFAULT_JOURNAL_LIMIT = 1000;
/** Request bodies longer than this are kept as truncated text. */
export const JOURNAL_BODY_LIMIT = 64 * 1024;
/** At most this many bytes of records are kept: fewer than the limit when bodies are large. */
export const JOURNAL_MAX_BYTES = 16 * 1024 * 1024;

/** A request body as journaled: the parsed JSON, or text when it is not JSON or too long. */
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
  /** Name, value, name, value, … as received (Node's `rawHeaders`); `:` pseudo-headers are skipped when read. */
  headers: readonly string[];
  body?: JournalBody;
  /** The status answered; 0 when the connection was dropped without an answer. */
  status: number;
  durationMs: number;
  /** What forced the answer: a fault rule id, `prefer` or `rate-limit`. */
  fault?: string;
  /** For an answer in the error shape: its detail and traceId. */
  error?: { detail: string; traceId: string };
}

/** A journal entry as served by GET /__mock/requests. */
export interface JournalEntry {
  id: number;
  time: string;
  /** The session the request acted on (`default` without `x-mock-session`). */
  session: string;
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
  error?: { detail: string; traceId: string };
}

export interface JournalFilter {
  operationId?: string;
  method?: string;
  status?: number;
  /** Only the last `limit` matches. */
  limit?: number;
}


/**
 * The last N API requests, newest last. Each record is stored as one string in a ByteRing, so
 * recording leaves nothing on the JS heap that outlives the request (see byte-ring.ts); a
 * record whose body is still arriving waits in `pending` until it has.
 */
export class RequestJournal {
  private readonly ring: ByteRing;
  private readonly pending = new Map<number, JournalRecord>();
  private nextId = 1;
  private changes = 0;

  constructor(
    readonly limit = DEFAULT_JOURNAL_LIMIT,
    maxBytes = JOURNAL_MAX_BYTES,
    /** Named on every entry, so an entry read on its own still says where it happened. */
    readonly session = 'default',
  ) {
    this.ring = new ByteRing(limit, maxBytes);
  }

  /** Keeps the record; with `body`, once that has settled (listed without it until then). */
  record(record: JournalRecord, body?: Promise<JournalBody | undefined>): void {
    const id = this.nextId++;
    this.changes++;
    if (!body) {
      this.ring.push(encodeRecord(id, record));
      return;
    }
    this.pending.set(id, record);
    void body.then((value) => {
      // Gone from `pending` when the journal was cleared meanwhile.
      if (!this.pending.delete(id)) return;
      this.ring.push(encodeRecord(id, value === undefined ? record : { ...record, body: value }));
      this.changes++;
    });
  }

  /** Bumped by every record, arrived body and clear: a reader that saw the same version saw the same entries. */
  get version(): number {
    return this.changes;
  }

  /** How many requests it holds. */
  get size(): number {
    return Math.min(this.limit, this.ring.size + this.pending.size);
  }

  list(filter: JournalFilter = {}): JournalEntry[] {
    const method = filter.method?.toUpperCase();
    let records = this.ring.toArray().map(decodeRecord);
    for (const [id, record] of this.pending) records.push({ ...record, id });
    // A record written when its body arrived sits after newer ones in the ring.
    records.sort((a, b) => a.id - b.id);
    records = records.slice(Math.max(0, records.length - this.limit));
    records = records.filter(
      (r) =>
        (filter.operationId === undefined || r.operationId === filter.operationId) &&
        (method === undefined || r.method === method) &&
        (filter.status === undefined || r.status === filter.status),
    );
    if (filter.limit !== undefined) records = records.slice(Math.max(0, records.length - filter.limit));
    return records.map((r) => format(r, this.session));
  }

  /** One entry by id; undefined when it was never recorded or has been dropped or cleared. */
  get(id: number): JournalEntry | undefined {
    const pending = this.pending.get(id);
    if (pending) return format({ ...pending, id }, this.session);
    // The ring holds at most `limit` records, newest last: a reverse scan finds recent ids first.
    const records = this.ring.toArray();
    for (let i = records.length - 1; i >= 0; i--) {
      if (recordId(records[i]) === id) return format(decodeRecord(records[i]), this.session);
    }
    return undefined;
  }

  clear(): void {
    this.ring.clear();
    this.pending.clear();
    this.changes++;
  }
}

function format(record: StoredRecord, session: string): JournalEntry {
  // Null-prototype objects: a header or parameter named __proto__ stays a plain key.
  // Headers lower-cases the names and joins repeated ones, as a server reading them would.
  const received = new Headers();
  for (let i = 0; i + 1 < record.headers.length; i += 2) if (!record.headers[i].startsWith(':')) received.append(record.headers[i], record.headers[i + 1]);
  const headers: Record<string, string> = Object.create(null);
  for (const [name, value] of received) headers[name] = redactHeader(name, value);
  const query: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of new URLSearchParams(record.search)) {
    const seen = query[name];
    query[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  const entry = {
    id: record.id,
    time: new Date(record.at).toISOString(),
    session,
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
  if (record.error !== undefined) entry.error = record.error;
  return entry;
}
