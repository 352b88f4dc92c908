import { ByteRing } from './byte-ring.js';
import { decodeRecord, encodeHead, encodeRecord, encodeTail, recordId, type StoredRecord } from './record-codec.js';
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
  /** The newest record when it was stored at once (no body awaited): its head can be copied (`copyHead`); else 0. */
  private newestWhole = 0;
  /** The last answer of `listJson`, shared by every read until the journal changes (then dropped at once). */
  private shared?: { key: string; bytes: Buffer<ArrayBuffer> };

  constructor(
    readonly limit = DEFAULT_JOURNAL_LIMIT,
    maxBytes = JOURNAL_MAX_BYTES,
    /** Named on every entry, so an entry read on its own still says where it happened. */
    readonly session = 'default',
  ) {
    this.ring = new ByteRing(limit, maxBytes);
  }

  /** Keeps the record; with `body`, once that has settled (listed without it until then). Its id. */
  record(record: JournalRecord, body?: Promise<JournalBody | undefined>): number {
    const id = this.nextId++;
    this.changed();
    if (!body) {
      this.newestWhole = this.ring.push(encodeHead(id, record), encodeTail(record)) ? id : 0;
      return id;
    }
    this.pending.set(id, record);
    void body.then((value) => {
      // Gone from `pending` when the journal was cleared meanwhile.
      if (!this.pending.delete(id)) return;
      this.ring.push(encodeRecord(id, value === undefined ? record : { ...record, body: value }));
      this.newestWhole = 0;
      this.changed();
    });
    return id;
  }

  /**
   * The UTF-8 length of record `id`'s head (its fields before the headers, `encodeHead`) while
   * it is the newest record and was stored at once; else -1. A log line is made from those bytes
   * (`copyHead`) rather than from the request a second time.
   */
  headBytes(id: number): number {
    return id === this.newestWhole ? this.ring.newestPrefixBytes : -1;
  }

  /** Copies the newest record's head (see headBytes) into `target` at `offset`; the bytes copied. */
  copyHead(target: Uint8Array, offset: number): number {
    return this.ring.copyNewestPrefix(target, offset);
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
    return this.selected(filter).map((ref) => format(this.decode(ref), this.session));
  }

  /**
   * `{"requests":[…]}` (what `list` returns, as JSON) in UTF-8. Built one entry at a time into one
   * buffer, and shared: every read with the same filter gets the very same buffer until the
   * journal changes, so parallel reads of a full journal hold one copy of it, not one each
   * (100 parallel reads of a full journal once took 2.4 GB), and format it once.
   */
  listJson(filter: JournalFilter = {}): Buffer<ArrayBuffer> {
    const key = `${filter.operationId ?? ''}\u0000${filter.method?.toUpperCase() ?? ''}\u0000${filter.status ?? ''}\u0000${filter.limit ?? ''}`;
    if (this.shared?.key === key) return this.shared.bytes;
    this.shared = undefined; // the old answer may go as soon as the reads sending it are done
    const refs = this.selected(filter);
    const out = new Utf8Output(this.ring.usedBytes + refs.length * 512 + 16);
    out.write('{"requests":[');
    refs.forEach((ref, i) => {
      if (i > 0) out.write(',');
      out.write(JSON.stringify(format(this.decode(ref), this.session)));
    });
    out.write(']}');
    const bytes = out.done();
    this.shared = { key, bytes };
    return bytes;
  }

  /** One entry by id; undefined when it was never recorded or has been dropped or cleared. */
  get(id: number): JournalEntry | undefined {
    const ref = this.selected({}).find((r) => r.id === id);
    return ref && format(this.decode(ref), this.session);
  }

  clear(): void {
    this.newestWhole = 0;
    this.ring.clear();
    this.pending.clear();
    this.changed();
  }

  private changed(): void {
    this.changes++;
    this.shared = undefined;
  }

  /**
   * The records a read returns, oldest first, as references (a ring position or a pending
   * record): the last `limit` requests, filtered, then the last `filter.limit` of those. Only the
   * records that a filter looks at are decoded here; `decode` reads each one when it is formatted.
   */
  private selected(filter: JournalFilter): RecordRef[] {
    let refs: RecordRef[] = [];
    for (let i = 0; i < this.ring.size; i++) refs.push({ id: recordId(this.ring.peek(i, 24)), at: i });
    for (const [id, record] of this.pending) refs.push({ id, pending: record });
    // A record written when its body arrived sits after newer ones in the ring.
    refs.sort((a, b) => a.id - b.id);
    refs = refs.slice(Math.max(0, refs.length - this.limit));
    const method = filter.method?.toUpperCase();
    if (filter.operationId !== undefined || method !== undefined || filter.status !== undefined) {
      refs = refs.filter((ref) => {
        const r = ref.pending ?? decodeRecord(this.ring.at(ref.at!), false);
        return (
          (filter.operationId === undefined || r.operationId === filter.operationId) &&
          (method === undefined || r.method === method) &&
          (filter.status === undefined || r.status === filter.status)
        );
      });
    }
    if (filter.limit !== undefined) refs = refs.slice(Math.max(0, refs.length - filter.limit));
    return refs;
  }

  private decode(ref: RecordRef): StoredRecord {
    return ref.pending ? { ...ref.pending, id: ref.id } : decodeRecord(this.ring.at(ref.at!));
  }
}

/** A record of the journal: at a position of the ring, or still waiting for its body. */
type RecordRef = { id: number; at?: number; pending?: JournalRecord };

/** UTF-8 written into one buffer that grows by doubling (rarely: it starts at the expected size). */
class Utf8Output {
  private buffer: Buffer<ArrayBuffer>;
  private length = 0;

  constructor(expected: number) {
    this.buffer = Buffer.allocUnsafeSlow(expected);
  }

  write(text: string): void {
    // 3 bytes per UTF-16 unit bound its UTF-8 length without measuring it.
    if (this.length + text.length * 3 > this.buffer.length) {
      const need = Buffer.byteLength(text);
      if (this.length + need > this.buffer.length) {
        const next = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.length + need));
        this.buffer.copy(next, 0, 0, this.length);
        this.buffer = next;
      }
    }
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  done(): Buffer<ArrayBuffer> {
    return this.buffer.subarray(0, this.length) as Buffer<ArrayBuffer>;
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
