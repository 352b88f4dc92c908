import type { JournalRecord } from '../journal/journal.js';
import type { LogFormat } from '../runtime/options.js';

/**
 * One request as a log line shows it. Never the Authorization header, a body or a secret. Its JSON
 * form adds `msg`: method, path and status, as a log viewer's one-line summary.
 */
export interface RequestLine {
  /** An ISO 8601 timestamp (`Date.prototype.toISOString`). */
  time: string;
  level: 'info' | 'warn' | 'error';
  method: string;
  /** The path with its query string. */
  path: string;
  status: number;
  durationMs: number;
  operationId?: string;
  fault?: string;
  session?: string;
  /** For an answer in the error shape: why, and the traceId its body carries. */
  detail?: string;
  traceId?: string;
  /** An unexpected error (a bug of the mock), on one line. */
  error?: string;
}

/** What an API request's log line is made of: its journal record and what the journal does not hold. */
export interface JournaledLine {
  /** Where the record is, to copy its head's bytes from while it is the newest (see RequestJournal.headBytes). */
  journal: { headBytes(id: number): number; copyHead(target: Uint8Array, offset: number): number };
  id: number;
  record: JournalRecord;
  session?: string;
  unexpected?: string;
}

/** A line's level: error for a 5xx or a dropped connection (0), warn for a 4xx, else info. */
export const levelOf = (status: number): RequestLine['level'] => (status >= 500 || status === 0 ? 'error' : status >= 400 ? 'warn' : 'info');

let lastMs = NaN;
let lastIso = '';
/** ISO 8601 of an epoch millisecond, formatted once however many lines share it. */
export function isoOfMs(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

/**
 * An API request's line, as its journal records it: the log and the journal agree on the path,
 * the duration, the operation, the fault and the error. Its time is when the answer was ready.
 */
export function lineOfRecord(record: JournalRecord, session?: string, unexpected?: string): RequestLine {
  const { status } = record;
  const line: RequestLine = {
    time: isoOfMs(Math.floor(record.at + record.durationMs)),
    level: levelOf(status),
    method: record.method,
    path: record.search ? `${record.path}?${record.search}` : record.path,
    status,
    durationMs: record.durationMs,
  };
  if (record.operationId !== undefined) line.operationId = record.operationId;
  if (record.fault !== undefined) line.fault = record.fault;
  if (session !== undefined) line.session = session;
  if (record.error) {
    line.detail = record.error.detail;
    line.traceId = record.error.traceId;
  }
  if (unexpected !== undefined) line.error = unexpected;
  return line;
}

/** Printable ASCII but `"` and `\`: the characters a JSON string holds as they are. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
export const jsonString = (text: string): string => (PLAIN.test(text) ? `"${text}"` : JSON.stringify(text));

/**
 * A value's JSON string, remembered for values that repeat (methods, operation ids, fault rule
 * ids, sessions): a Map lookup instead of a scan per line. Bounded, because a client chooses its
 * method and its session name: past the bound, values are escaped every time.
 */
function cachedJsonStrings(bound = 64): (text: string) => string {
  const known = new Map<string, string>();
  return (text) => {
    let json = known.get(text);
    if (json === undefined) {
      json = jsonString(text);
      if (known.size < bound) known.set(text, json);
    }
    return json;
  };
}
const methodJson = cachedJsonStrings();
const valueJson = cachedJsonStrings();

/**
 * A number as JSON writes it. Durations are rounded to hundredths, and V8's shortest-round-trip
 * conversion of such a double costs four times the integer formatting that gives the same digits
 * (below 10^7 two decimals are always the shortest form).
 */
function jsonNumber(n: number): string {
  const hundredths = Math.round(n * 100);
  if (hundredths / 100 !== n || hundredths < 0 || hundredths >= 1e9) return Number.isFinite(n) ? String(n) : 'null';
  const whole = Math.floor(hundredths / 100);
  const fraction = hundredths - whole * 100;
  if (fraction === 0) return `${whole}`;
  return fraction % 10 === 0 ? `${whole}.${fraction / 10}` : `${whole}.${fraction < 10 ? '0' : ''}${fraction}`;
}

/**
 * The line as a JSON object, `msg` after the level: exactly what `JSON.stringify` writes (a
 * property test holds them equal), built field by field because `JSON.stringify` of the object
 * was most of a line's cost: 2.4 µs of 2.9 in a tight loop (docs/performance.md, item 22). The
 * time (an ISO timestamp) and the level need no escaping; the path is the one value scanned on
 * every line, and when it and the method need no escaping, neither does `msg`, which repeats them.
 */
export function jsonLine(line: RequestLine): string {
  const { method, path } = line;
  const methodText = methodJson(method);
  // The method needed no escaping when its JSON string is itself in quotes.
  const plain = methodText.length === method.length + 2 && PLAIN.test(path);
  const msg = `${method} ${path} ${line.status}`;
  const request = plain ? `"msg":"${msg}","method":${methodText},"path":"${path}"` : `"msg":${JSON.stringify(msg)},"method":${methodText},"path":${JSON.stringify(path)}`;
  let text = `{"time":"${line.time}","level":"${line.level}",${request},"status":${jsonNumber(line.status)},"durationMs":${jsonNumber(line.durationMs)}`;
  if (line.operationId !== undefined) text += `,"operationId":${valueJson(line.operationId)}`;
  if (line.fault !== undefined) text += `,"fault":${valueJson(line.fault)}`;
  if (line.session !== undefined) text += `,"session":${valueJson(line.session)}`;
  if (line.detail !== undefined) text += `,"detail":${jsonString(line.detail)}`;
  if (line.traceId !== undefined) text += `,"traceId":${jsonString(line.traceId)}`;
  if (line.error !== undefined) text += `,"error":${jsonString(line.error)}`;
  return `${text}}`;
}

const COLORS = { reset: '\x1b[0m', dim: '\x1b[2m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', magenta: '\x1b[35m', cyan: '\x1b[36m' };

/**
 * Control characters (a newline a client put in a percent-encoded path, a detail that repeats it;
 * C1's CSI, which some terminals obey) that would break a terminal's line or forge another, and the
 * bidirectional overrides and line separators that would make it read as another.
 */
const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const CONTROLS = new RegExp(CONTROL.source, 'g');
const escaped = (c: string): string => {
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
};
const printable = (text: string): string => (CONTROL.test(text) ? text.replace(CONTROLS, escaped) : text);

/** A line as JSON (`msg` and the fields) or as one readable line for a person, control characters shown as `\xNN` (`\uNNNN` past U+00FF). */
export function formatLine(line: RequestLine, format: LogFormat, color = false): string {
  if (format === 'json') return jsonLine(line);
  const paint = (code: keyof typeof COLORS, text: string) => (color ? `${COLORS[code]}${text}${COLORS.reset}` : text);
  const statusColor = line.status === 0 ? 'magenta' : line.status >= 500 ? 'red' : line.status >= 400 ? 'yellow' : line.status >= 300 ? 'cyan' : 'green';
  let text = `${paint('dim', line.time.slice(11, 23))} ${printable(line.method)} ${printable(line.path)} ${paint(statusColor, line.status === 0 ? 'dropped' : String(line.status))} ${paint('dim', `${line.durationMs}ms`)}`;
  if (line.operationId) text += ` ${printable(line.operationId)}`;
  if (line.session) text += ` ${paint('cyan', `[${printable(line.session)}]`)}`;
  if (line.fault) text += ` ${paint('magenta', `fault=${printable(line.fault)}`)}`;
  if (line.detail) text += ` ${paint(statusColor, `— ${printable(line.detail)}`)}`;
  if (line.traceId) text += ` ${paint('dim', `(traceId ${printable(line.traceId)})`)}`;
  if (line.error) text += ` ${paint('red', printable(line.error))}`;
  return text;
}

/** A line about the mock itself rather than a request (an error below the app), in the same format. */
export function formatEvent(level: 'info' | 'warn' | 'error', msg: string, format: LogFormat, color = false): string {
  const time = new Date().toISOString();
  if (format === 'json') return JSON.stringify({ time, level, msg });
  const text = `${time.slice(11, 23)} ${level.toUpperCase()} ${msg}`;
  return color && level === 'error' ? `${COLORS.red}${text}${COLORS.reset}` : text;
}
