import { HEAD_STRINGS, HeadBytes } from '../journal/record-codec.js';
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
const { method, path, search, operationId, fault, detail, traceId } = HEAD_STRINGS;

let isoMs = NaN;
let iso = latin1('');
const fields = new HeadBytes();

/**
 * The JSON line of a journal record's head (`encodeHead`, UTF-8, `head[start, end)`), written
 * from its bytes into `out`: the same bytes as `jsonLine(lineOfRecord(decodeRecord(head), session,
 * error))` (a property test holds them equal), without the strings, the line object and the
 * UTF-8 encoding that path makes of every line (docs/performance.md, item 28). False, having
 * written something or nothing, for a head that path must write: a string that JSON escapes (a
 * control character, `"`, `\`), a number that is not plain digits.
 */
export function writeJsonOfHead(out: LineBytes, head: Uint8Array, start: number, end: number, session?: string, error?: string): boolean {
  if (!fields.readPlain(head, start, end)) return false;
  const { starts, ends } = fields;
  const sessionJson = session === undefined ? undefined : jsonString(session);
  const errorJson = error === undefined ? undefined : jsonString(error);
  out.reserve(2 * (end - start) + FIXED_BYTES + 3 * ((sessionJson?.length ?? 0) + (errorJson?.length ?? 0)));
  const ms = Math.floor(fields.at + fields.durationMs);
  if (ms !== isoMs) {
    isoMs = ms;
    iso = latin1(isoOfMs(ms));
  }
  const bytes = out.bytes;
  let o = out.length;
  o = putAll(bytes, o, TIME);
  o = putAll(bytes, o, iso);
  o = putAll(bytes, o, LEVEL);
  o = putAll(bytes, o, LEVELS[levelOf(fields.status)]);
  o = putAll(bytes, o, MSG);
  o = put(bytes, o, head, starts[method], ends[method]);
  bytes[o++] = 0x20;
  o = pathWithQuery(bytes, o, head, starts, ends);
  bytes[o++] = 0x20;
  o = put(bytes, o, head, fields.statusStart, fields.statusEnd);
  o = putAll(bytes, o, METHOD);
  o = put(bytes, o, head, starts[method], ends[method]);
  o = putAll(bytes, o, PATH);
  o = pathWithQuery(bytes, o, head, starts, ends);
  o = putAll(bytes, o, STATUS);
  o = put(bytes, o, head, fields.statusStart, fields.statusEnd);
  o = putAll(bytes, o, DURATION);
  o = put(bytes, o, head, fields.durationStart, fields.durationEnd);
  if (starts[operationId] >= 0) {
    o = putAll(bytes, o, OPERATION_ID);
    o = put(bytes, o, head, starts[operationId], ends[operationId]);
    bytes[o++] = 0x22;
  }
  if (starts[fault] >= 0) {
    o = putAll(bytes, o, FAULT);
    o = put(bytes, o, head, starts[fault], ends[fault]);
    bytes[o++] = 0x22;
  }
  if (sessionJson !== undefined) {
    o = putAll(bytes, o, SESSION);
    o += bytes.write(sessionJson, o, 'utf8');
  }
  // A record has an error when it has a detail; its traceId is then '' if absent.
  if (starts[detail] >= 0) {
    o = putAll(bytes, o, DETAIL);
    o = put(bytes, o, head, starts[detail], ends[detail]);
    o = putAll(bytes, o, TRACE_ID);
    if (starts[traceId] >= 0) o = put(bytes, o, head, starts[traceId], ends[traceId]);
    bytes[o++] = 0x22;
  }
  if (errorJson !== undefined) {
    o = putAll(bytes, o, ERROR);
    o += bytes.write(errorJson, o, 'utf8');
  }
  bytes[o++] = 0x7d;
  out.length = o;
  return true;
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

/** The path, and `?` and the search when there is one. */
function pathWithQuery(bytes: Buffer, o: number, head: Uint8Array, starts: Int32Array, ends: Int32Array): number {
  o = put(bytes, o, head, starts[path], ends[path]);
  if (ends[search] === starts[search]) return o;
  bytes[o++] = 0x3f;
  return put(bytes, o, head, starts[search], ends[search]);
}

const putAll = (bytes: Buffer, o: number, from: Uint8Array): number => put(bytes, o, from, 0, from.length);
