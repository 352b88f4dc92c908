import type { JournalBody, JournalRecord } from './journal.js';

export type StoredRecord = JournalRecord & { id: number };

/**
 * A journal record as one string, for the ByteRing. Strings are length-prefixed (`5:hello`), so
 * any content is safe without escaping, and writing one costs a template literal rather than a
 * JSON.stringify (a third of the time, measured, on the path every request takes). An absent
 * optional string is `~`. Strings must be well-formed UTF-16: the ring stores UTF-8.
 */
export function encodeRecord(id: number, r: JournalRecord): string {
  return encodeHead(id, r) + encodeTail(r);
}

/** A record's fields before its headers: all a log line needs, and no header (`decodeRecord(head, false)` reads them). */
export function encodeHead(id: number, r: JournalRecord): string {
  return `${id},${r.at},${r.status},${r.durationMs},${str(r.method)}${str(r.path)}${str(r.search)}${opt(r.operationId)}${opt(r.fault)}${opt(r.error?.detail)}${opt(r.error?.traceId)}`;
}

/** The rest of the record after its head: the headers and the body. */
export function encodeTail(r: JournalRecord): string {
  let text = `${r.headers.length}:`;
  for (const value of r.headers) text += str(value);
  return text + body(r.body);
}

/** `withBody: false` reads only the head (see encodeHead): what a filter and a log line read. */
export function decodeRecord(text: string, withBody = true): StoredRecord {
  const reader = new Reader(text);
  const id = reader.number(',');
  const at = reader.number(',');
  const status = reader.number(',');
  const durationMs = reader.number(',');
  const method = reader.string();
  const path = reader.string();
  const search = reader.string();
  const operationId = reader.optional();
  const fault = reader.optional();
  const detail = reader.optional();
  const traceId = reader.optional();
  const record: StoredRecord = { id, at, method, path, search, operationId, headers: [], status, durationMs, fault };
  if (detail !== undefined) record.error = { detail, traceId: traceId ?? '' };
  if (!withBody) return record;
  const headers: string[] = new Array(reader.number(':'));
  for (let i = 0; i < headers.length; i++) headers[i] = reader.string();
  record.headers = headers;
  const kind = reader.char();
  if (kind === 'j') record.body = { json: JSON.parse(reader.string()) };
  else if (kind === 't') record.body = { text: reader.string() };
  else if (kind === 'T') record.body = { text: reader.string(), truncated: true };
  return record;
}

/** A record's id without decoding the rest (it comes first). */
export const recordId = (text: string): number => Number(text.slice(0, text.indexOf(',')));

const str = (value: string) => `${value.length}:${value}`;
const opt = (value: string | undefined) => (value === undefined ? '~' : str(value));

function body(value: JournalBody | undefined): string {
  if (value === undefined) return '~';
  if ('json' in value) return `j${str(JSON.stringify(value.json))}`;
  return `${value.truncated ? 'T' : 't'}${str(value.text)}`;
}

class Reader {
  private at = 0;

  constructor(private readonly text: string) {}

  char(): string {
    return this.text[this.at++];
  }

  /** Digits (and `.`, `-`, `e`) up to `end`. */
  number(end: string): number {
    const stop = this.text.indexOf(end, this.at);
    const value = Number(this.text.slice(this.at, stop));
    this.at = stop + 1;
    return value;
  }

  string(): string {
    const length = this.number(':');
    const value = this.text.slice(this.at, this.at + length);
    this.at += length;
    return value;
  }

  optional(): string | undefined {
    if (this.text[this.at] !== '~') return this.string();
    this.at++;
    return undefined;
  }
}
