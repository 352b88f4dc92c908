import { isoOfMs, jsonString, levelOf } from './log-line.js';

/** Log lines as the UTF-8 bytes written to stdout, each followed by `\n`, in one buffer reused batch after batch. */
export class LineBytes {
  bytes: Buffer;
  length = 0;
  /** Where each line ends (before its `\n`). */
  readonly ends: number[] = [];

  constructor(bytes = 1024 * 1024) {
    this.bytes = Buffer.allocUnsafe(bytes);
  }

  /** Room for `bytes` more. */
  reserve(bytes: number): void {
    if (this.length + bytes <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.length + bytes));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }

  /** A line's text (or part of one). */
  text(text: string): void {
    this.reserve(text.length * 3);
    this.length += this.bytes.write(text, this.length, 'utf8');
  }

  endLine(): void {
    this.reserve(1);
    this.ends.push(this.length);
    this.bytes[this.length++] = 0x0a;
  }

  reset(): void {
    this.length = 0;
    this.ends.length = 0;
  }

  /** The lines' texts, without their `\n`. */
  lines(): string[] {
    return this.ends.map((end, i) => this.bytes.toString('utf8', i === 0 ? 0 : this.ends[i - 1] + 1, end));
  }
}

const latin1 = (text: string) => Buffer.from(text, 'latin1');
const TIME = latin1('{"time":"');
const LEVEL = latin1('","level":"');
const MSG = latin1('","msg":"');
const METHOD = latin1('","method":"');
const PATH = latin1('","path":"');
const STATUS = latin1('","status":');
const DURATION = latin1(',"durationMs":');
const OPERATION_ID = latin1(',"operationId":"');
const FAULT = latin1(',"fault":"');
const SESSION = latin1(',"session":');
const DETAIL = latin1(',"detail":"');
const TRACE_ID = latin1('","traceId":"');
const ERROR = latin1(',"error":');
const LEVELS = { info: latin1('info'), warn: latin1('warn'), error: latin1('error') };
/** The constant bytes of a line and the ISO time, at most. */
const FIXED_BYTES = 256;
/** Integers written by `${n}` that a double holds exactly. */
const MAX_DIGITS = 15;

let isoMs = NaN;
let iso = latin1('');

// Where the head's fields are, read by `fields`: byte offsets, [start, end) of each string, -1 for an absent one.
const starts = new Int32Array(7);
const ends = new Int32Array(7);
let at = 0;
let status = 0;
let durationMs = 0;
let statusStart = 0;
let statusEnd = 0;
let durationStart = 0;
let durationEnd = 0;

/**
 * The JSON line of a journal record's head (`encodeHead`, UTF-8, `head[start, end)`), written
 * from its bytes into `out`: the same bytes as `jsonLine(lineOfRecord(decodeRecord(head), session,
 * error))` (a property test holds them equal), without the strings, the line object and the
 * UTF-8 encoding that path makes of every line (docs/performance.md, item 28). False, having
 * written something or nothing, for a head that path must write: a string that JSON escapes (a
 * control character, `"`, `\`), a number that is not plain digits.
 */
export function writeJsonOfHead(out: LineBytes, head: Uint8Array, start: number, end: number, session?: string, error?: string): boolean {
  if (!fields(head, start, end)) return false;
  const sessionJson = session === undefined ? undefined : jsonString(session);
  const errorJson = error === undefined ? undefined : jsonString(error);
  out.reserve(2 * (end - start) + FIXED_BYTES + 3 * ((sessionJson?.length ?? 0) + (errorJson?.length ?? 0)));
  const ms = Math.floor(at + durationMs);
  if (ms !== isoMs) {
    isoMs = ms;
    iso = latin1(isoOfMs(ms));
  }
  const bytes = out.bytes;
  let o = out.length;
  o = put(bytes, o, TIME, 0, TIME.length);
  o = put(bytes, o, iso, 0, iso.length);
  o = put(bytes, o, LEVEL, 0, LEVEL.length);
  const level = LEVELS[levelOf(status)];
  o = put(bytes, o, level, 0, level.length);
  o = put(bytes, o, MSG, 0, MSG.length);
  o = put(bytes, o, head, starts[0], ends[0]);
  bytes[o++] = 0x20;
  o = pathWithQuery(bytes, o, head);
  bytes[o++] = 0x20;
  o = put(bytes, o, head, statusStart, statusEnd);
  o = put(bytes, o, METHOD, 0, METHOD.length);
  o = put(bytes, o, head, starts[0], ends[0]);
  o = put(bytes, o, PATH, 0, PATH.length);
  o = pathWithQuery(bytes, o, head);
  o = put(bytes, o, STATUS, 0, STATUS.length);
  o = put(bytes, o, head, statusStart, statusEnd);
  o = put(bytes, o, DURATION, 0, DURATION.length);
  o = put(bytes, o, head, durationStart, durationEnd);
  if (starts[3] >= 0) {
    o = put(bytes, o, OPERATION_ID, 0, OPERATION_ID.length);
    o = put(bytes, o, head, starts[3], ends[3]);
    bytes[o++] = 0x22;
  }
  if (starts[4] >= 0) {
    o = put(bytes, o, FAULT, 0, FAULT.length);
    o = put(bytes, o, head, starts[4], ends[4]);
    bytes[o++] = 0x22;
  }
  if (sessionJson !== undefined) {
    o = put(bytes, o, SESSION, 0, SESSION.length);
    o += bytes.write(sessionJson, o, 'utf8');
  }
  // A record has an error when it has a detail; its traceId is then '' if absent.
  if (starts[5] >= 0) {
    o = put(bytes, o, DETAIL, 0, DETAIL.length);
    o = put(bytes, o, head, starts[5], ends[5]);
    o = put(bytes, o, TRACE_ID, 0, TRACE_ID.length);
    if (starts[6] >= 0) o = put(bytes, o, head, starts[6], ends[6]);
    bytes[o++] = 0x22;
  }
  if (errorJson !== undefined) {
    o = put(bytes, o, ERROR, 0, ERROR.length);
    o += bytes.write(errorJson, o, 'utf8');
  }
  bytes[o++] = 0x7d;
  out.length = o;
  return true;
}

/** The path, and `?` and the search when there is one. */
function pathWithQuery(bytes: Buffer, o: number, head: Uint8Array): number {
  o = put(bytes, o, head, starts[1], ends[1]);
  if (ends[2] === starts[2]) return o;
  bytes[o++] = 0x3f;
  return put(bytes, o, head, starts[2], ends[2]);
}

/** Copies `from[start, end)`: byte by byte for the short strings of a line, which `Buffer.copy` takes longer to set out for. */
function put(bytes: Buffer, o: number, from: Uint8Array, start: number, end: number): number {
  if (end - start > 64) {
    bytes.set(from.subarray(start, end), o);
    return o + end - start;
  }
  for (let i = start; i < end; i++) bytes[o++] = from[i];
  return o;
}

/** Reads the head's numbers and finds its strings; false when one is not plain (see writeJsonOfHead), or the head is cut short. */
function fields(head: Uint8Array, i: number, end: number): boolean {
  while (i < end && head[i] !== 0x2c) i++;
  i++;
  at = 0;
  const atStart = i;
  for (let b = i < end ? head[i] : -1; b !== 0x2c; b = ++i < end ? head[i] : -1) {
    if (!(b >= 0x30 && b <= 0x39)) return false;
    at = at * 10 + b - 0x30;
  }
  if (i === atStart || i - atStart > MAX_DIGITS) return false;
  statusStart = ++i;
  status = 0;
  for (let b = i < end ? head[i] : -1; b !== 0x2c; b = ++i < end ? head[i] : -1) {
    if (!(b >= 0x30 && b <= 0x39)) return false;
    status = status * 10 + b - 0x30;
  }
  statusEnd = i;
  if (statusEnd === statusStart || statusEnd - statusStart > MAX_DIGITS) return false;
  // The duration: its digits as `${n}` wrote them, and n itself (digits ÷ 10^decimals is the double Number() reads).
  durationStart = ++i;
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
  durationEnd = i;
  if (durationEnd === durationStart || durationEnd - durationStart > MAX_DIGITS) return false;
  durationMs = digits / scale;
  i++;
  for (let field = 0; field < 7; field++) {
    // method, path and search are always there; operationId, fault, detail and traceId may be `~`.
    if (i >= end) return false;
    if (field >= 3 && head[i] === 0x7e) {
      starts[field] = ends[field] = -1;
      i++;
      continue;
    }
    let units = 0;
    for (let b = i < end ? head[i] : -1; b !== 0x3a; b = ++i < end ? head[i] : -1) {
      if (!(b >= 0x30 && b <= 0x39)) return false;
      units = units * 10 + b - 0x30;
    }
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
