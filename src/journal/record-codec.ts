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

/** The strings of a head (`encodeHead`), in order: an index into `HeadBytes.starts` and `ends`. */
export const HEAD_STRINGS = { method: 0, path: 1, search: 2, operationId: 3, fault: 4, detail: 5, traceId: 6 } as const;
/** Integers written by `${n}` that a double holds exactly. */
const MAX_DIGITS = 15;

/**
 * A head's fields found in its UTF-8 bytes, without a string made: byte offsets of each string
 * ([start, end), -1 for an absent one) and of the status's and the duration's digits, and the
 * numbers. Reused: `read` overwrites them.
 */
export class HeadBytes {
  readonly starts = new Int32Array(7);
  readonly ends = new Int32Array(7);
  at = 0;
  status = 0;
  durationMs = 0;
  statusStart = 0;
  statusEnd = 0;
  durationStart = 0;
  durationEnd = 0;
  /** What `integer` read. */
  private value = 0;

  /**
   * Reads `head[start, end)` when its numbers are plain decimals and its strings hold no control
   * character, `"` or `\` (text that can be copied as it is between quotes); false for any other
   * head, or one cut short, reading nothing past `end`.
   */
  readPlain(head: Uint8Array, start: number, end: number): boolean {
    let i = start;
    while (i < end && head[i] !== 0x2c) i++;
    const atStart = ++i;
    if ((i = this.integer(head, i, end, 0x2c)) < 0 || i === atStart) return false;
    this.at = this.value;
    this.statusStart = ++i;
    if ((i = this.integer(head, i, end, 0x2c)) < 0 || i === this.statusStart) return false;
    this.status = this.value;
    this.statusEnd = i;
    // The duration: its digits as `${n}` wrote them, and n itself (digits ÷ 10^decimals is the double Number() reads).
    this.durationStart = ++i;
    let digits = 0;
    let scale = 1;
    let dot = false;
    for (let b = i < end ? head[i] : -1; b !== 0x2c; b = ++i < end ? head[i] : -1) {
      if (b === 0x2e && !dot) {
        dot = true;
        continue;
      }
      if (!(b >= 0x30 && b <= 0x39)) return false;
      digits = digits * 10 + b - 0x30;
      if (dot) scale *= 10;
    }
    this.durationEnd = i;
    if (i === this.durationStart || i - this.durationStart > MAX_DIGITS) return false;
    this.durationMs = digits / scale;
    i++;
    const { starts, ends } = this;
    for (let field = 0; field < 7; field++) {
      if (i >= end) return false;
      // method, path and search are always there; operationId, fault, detail and traceId may be `~`.
      if (field > HEAD_STRINGS.search && head[i] === 0x7e) {
        starts[field] = ends[field] = -1;
        i++;
        continue;
      }
      if ((i = this.integer(head, i, end, 0x3a)) < 0) return false;
      let units = this.value;
      starts[field] = ++i;
      // The length counts UTF-16 code units: one per character of 1 to 3 UTF-8 bytes, two for 4.
      while (units > 0 && i < end) {
        const b = head[i];
        if (b < 0x80) {
          if (b < 0x20 || b === 0x22 || b === 0x5c) return false;
          i++;
          units--;
        } else if (b < 0xe0) {
          i += 2;
          units--;
        } else if (b < 0xf0) {
          i += 3;
          units--;
        } else {
          i += 4;
          units -= 2;
        }
      }
      if (units !== 0 || i > end) return false;
      ends[field] = i;
    }
    return true;
  }

  /** The digits from `i` up to `stop` into `value`; where `stop` is, or -1 when another byte or the end comes first, or too many digits. */
  private integer(head: Uint8Array, i: number, end: number, stop: number): number {
    const first = i;
    let value = 0;
    for (let b = i < end ? head[i] : -1; b !== stop; b = ++i < end ? head[i] : -1) {
      if (!(b >= 0x30 && b <= 0x39)) return -1;
      value = value * 10 + b - 0x30;
    }
    this.value = value;
    return i - first > MAX_DIGITS ? -1 : i;
  }
}
