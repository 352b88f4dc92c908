import { decodeRecord } from '../journal/record-codec.js';
import type { LogFormat } from '../runtime/options.js';
import { LineBytes, writeJsonOfHead } from './line-bytes.js';
import { formatLine, lineOfRecord, type JournaledLine, type RequestLine } from './log-line.js';

/** How a request line is written: JSON, a line for a person, or that line in colour. */
export type LineStyle = 0 | 1 | 2;
export const lineStyle = (format: LogFormat, color: boolean): LineStyle => (format === 'json' ? 0 : color ? 2 : 1);
export const formatStyled = (line: RequestLine, style: LineStyle): string => formatLine(line, style === 0 ? 'json' : 'pretty', style === 2);

/**
 * Log lines on their way to stdout, encoded as bytes into a buffer that the thread writing them
 * shares (`stdout-thread.ts`), and decoded and formatted there. In a loop a line takes 116 ns to
 * encode, against 443 ns to format and join and 214 more to turn into UTF-8, and the encoding
 * allocates nothing: the structured clone of line objects for a `postMessage` was 2 % of the
 * samples under GET load, a fresh ArrayBuffer per batch to transfer 36 µs (docs/performance.md,
 * item 24).
 *
 * An API request's line is its journal record's head, copied as the journal stored it (UTF-8,
 * `encodeHead`), with the session and the unexpected error the journal does not hold: one copy of
 * bytes instead of the fields read and encoded a second time; its JSON line is written from
 * those bytes (`line-bytes.ts`).
 *
 * A batch is a sequence of records, each starting with a byte: a line's style, TEXT (a line as
 * it is), NAME (a string numbered for the lines after it, here and in later batches) or
 * JOURNALED (a style, the session, the error, a u32 length and the record's head). A string
 * slot is a u16: ABSENT, SAME_TIME (the previous line's time), INLINE (a u32 length and the
 * UTF-16 code units, exact for any string, lone surrogates too) or the number of a named string.
 */
const TEXT = 0xff;
const NAME = 0xfe;
const JOURNALED = 0xfd;
const ABSENT = 0;
const INLINE = 0xffff;
const SAME_TIME = 0xfffe;
const LEVELS = ['info', 'warn', 'error'] as const;
/** How many repeated values (methods, operation ids, faults, sessions: a client chooses some) are numbered. */
const MAX_NAMED = 1024;
/** Longer strings are cut (a log line needs no more), so that any line fits an empty batch of BATCH_BYTES. */
export const MAX_FIELD_CHARS = 4096;
export const BATCH_BYTES = 256 * 1024;
/** A journal record's head longer than this (a long path or detail) is logged by its fields, cut to MAX_FIELD_CHARS. */
export const MAX_HEAD_BYTES = 16 * 1024;
/** A line's upper bound: fixed parts, nine string slots, each string perhaps named first. */
const lineBound = (chars: number) => 18 + 9 * 16 + 4 * chars;

const EMPTY = Buffer.alloc(0);
const clip = (text: string) => (text.length > MAX_FIELD_CHARS ? `${text.slice(0, MAX_FIELD_CHARS - 1)}…` : text);
const clipOptional = (text: string | undefined) => (text === undefined ? undefined : clip(text));
const length = (text: string | undefined) => text?.length ?? 0;

export class LogBatchEncoder {
  private buffer: Buffer<ArrayBufferLike> = EMPTY;
  private view: DataView<ArrayBufferLike> = new DataView(EMPTY.buffer);
  private offset = 0;
  private count = 0;
  private named = new Map<string, number>();
  private lastTime: string | undefined;

  /** Starts a batch in `buffer` (BATCH_BYTES long). */
  begin(buffer: Buffer): void {
    this.buffer = buffer;
    this.view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    this.offset = 0;
    this.count = 0;
    this.lastTime = undefined;
  }

  get lines(): number {
    return this.count;
  }

  get bytes(): number {
    return this.offset;
  }

  /** False when the text does not fit in what is left of the batch: end it, and add it to the next. */
  addText(text: string): boolean {
    text = clip(text);
    if (!this.fits(lineBound(text.length))) return false;
    this.buffer[this.offset++] = TEXT;
    this.inline(text);
    this.count++;
    return true;
  }

  /** False when the line does not fit in what is left of the batch: end it, and add it to the next. */
  addLine(line: RequestLine, style: LineStyle): boolean {
    const method = clip(line.method);
    const path = clip(line.path);
    const operationId = clipOptional(line.operationId);
    const fault = clipOptional(line.fault);
    const session = clipOptional(line.session);
    const detail = clipOptional(line.detail);
    const traceId = clipOptional(line.traceId);
    const error = clipOptional(line.error);
    const chars = line.time.length + method.length + path.length + length(operationId) + length(fault) + length(session) + length(detail) + length(traceId) + length(error);
    if (!this.fits(lineBound(chars))) return false;
    // Names first: the reader learns a string before the line that uses it.
    const methodId = this.nameOf(method);
    const operationIdId = operationId === undefined ? ABSENT : this.nameOf(operationId);
    const faultId = fault === undefined ? ABSENT : this.nameOf(fault);
    const sessionId = session === undefined ? ABSENT : this.nameOf(session);
    this.buffer[this.offset++] = style;
    if (line.time === this.lastTime) this.code(SAME_TIME);
    else this.inline((this.lastTime = line.time));
    this.buffer[this.offset++] = LEVELS.indexOf(line.level);
    this.view.setFloat64(this.offset, line.status, true);
    this.view.setFloat64(this.offset + 8, line.durationMs, true);
    this.offset += 16;
    this.reference(methodId, method);
    this.inline(path);
    this.reference(operationIdId, operationId);
    this.reference(faultId, fault);
    this.reference(sessionId, session);
    this.optional(detail);
    this.optional(traceId);
    this.optional(error);
    this.count++;
    return true;
  }

  /**
   * False when the line does not fit in what is left of the batch: end it, and add it to the
   * next. Only while its record is the journal's newest, its head at most MAX_HEAD_BYTES.
   */
  addJournaled(entry: JournaledLine, style: LineStyle): boolean {
    const headBytes = entry.journal.headBytes(entry.id);
    const session = clipOptional(entry.session);
    const error = clipOptional(entry.unexpected);
    if (!this.fits(lineBound(length(session) + length(error)) + headBytes)) return false;
    const sessionId = session === undefined ? ABSENT : this.nameOf(session);
    this.buffer[this.offset++] = JOURNALED;
    this.buffer[this.offset++] = style;
    this.reference(sessionId, session);
    this.optional(error);
    this.view.setUint32(this.offset, headBytes, true);
    this.offset += 4;
    this.offset += entry.journal.copyHead(this.buffer, this.offset);
    this.count++;
    return true;
  }

  /** The batch's length in bytes; the buffer is the reader's until it hands it back. */
  end(): number {
    const length = this.offset;
    this.begin(EMPTY);
    return length;
  }

  /** For a new reader, which knows no names yet. */
  forgetNames(): void {
    this.named.clear();
  }

  private fits(bytes: number): boolean {
    return this.offset + bytes <= this.buffer.length;
  }

  private code(code: number): void {
    this.view.setUint16(this.offset, code, true);
    this.offset += 2;
  }

  private inline(text: string): void {
    this.code(INLINE);
    this.view.setUint32(this.offset, text.length, true);
    this.offset += 4;
    this.offset += this.buffer.write(text, this.offset, 'utf16le');
  }

  private optional(text: string | undefined): void {
    if (text === undefined) this.code(ABSENT);
    else this.inline(text);
  }

  /** The string's number, after a NAME record when it is new; INLINE when the names are all taken. */
  private nameOf(text: string): number {
    let id = this.named.get(text);
    if (id !== undefined) return id;
    if (this.named.size >= MAX_NAMED) return INLINE;
    id = this.named.size + 1;
    this.named.set(text, id);
    this.buffer[this.offset++] = NAME;
    this.code(id);
    this.inline(text);
    return id;
  }

  private reference(id: number, text: string | undefined): void {
    if (id === INLINE) this.inline(text!);
    else this.code(id);
  }
}

/** Reads batches in the order they were written, each into its lines' UTF-8 bytes. */
export class LogBatchDecoder {
  private named: string[] = [''];

  /** The batch's lines, as texts (what `decodeInto` writes, read back). */
  decode(buffer: Buffer, length: number): string[] {
    const out = new LineBytes(4096);
    this.decodeInto(buffer, length, out);
    return out.lines();
  }

  /** Appends the batch's lines to `out`. */
  decodeInto(buffer: Buffer, length: number, out: LineBytes): void {
    const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    let offset = 0;
    let time = '';
    const string = (): string | undefined => {
      const code = view.getUint16(offset, true);
      offset += 2;
      if (code === ABSENT) return undefined;
      if (code === SAME_TIME) return time;
      if (code !== INLINE) return this.named[code];
      const chars = view.getUint32(offset, true);
      const text = buffer.toString('utf16le', offset + 4, offset + 4 + chars * 2);
      offset += 4 + chars * 2;
      return text;
    };
    while (offset < length) {
      const kind = buffer[offset++];
      if (kind === NAME) {
        const id = view.getUint16(offset, true);
        offset += 2;
        this.named[id] = string()!;
        continue;
      }
      if (kind === TEXT) {
        out.text(string()!);
        out.endLine();
        continue;
      }
      if (kind === JOURNALED) {
        const style = buffer[offset++] as LineStyle;
        const session = string();
        const error = string();
        const start = offset + 4;
        const end = start + view.getUint32(offset, true);
        offset = end;
        // A JSON line straight from the head's bytes, when none of its strings needs escaping.
        const lineStart = out.length;
        if (style !== 0 || !writeJsonOfHead(out, buffer, start, end, session, error)) {
          out.length = lineStart;
          out.text(formatStyled(lineOfRecord(decodeRecord(buffer.toString('utf8', start, end), false), session, error), style));
        }
        out.endLine();
        continue;
      }
      time = string()!;
      const level = LEVELS[buffer[offset++]];
      const status = view.getFloat64(offset, true);
      const durationMs = view.getFloat64(offset + 8, true);
      offset += 16;
      const line: RequestLine = { time, level, method: string()!, path: string()!, status, durationMs };
      const operationId = string();
      const fault = string();
      const session = string();
      const detail = string();
      const traceId = string();
      const error = string();
      if (operationId !== undefined) line.operationId = operationId;
      if (fault !== undefined) line.fault = fault;
      if (session !== undefined) line.session = session;
      if (detail !== undefined) line.detail = detail;
      if (traceId !== undefined) line.traceId = traceId;
      if (error !== undefined) line.error = error;
      out.text(formatStyled(line, kind as LineStyle));
      out.endLine();
    }
  }
}
