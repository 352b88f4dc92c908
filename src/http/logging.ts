import type { Context, MiddlewareHandler } from 'hono';
import type { LogFormat, LogLevel, LogSink } from '../runtime/options.js';
import { incomingOf, type AppEnv } from './env.js';
import { maskQuery } from '../journal/redaction.js';
import { isoOfMs, levelOf, lineOfRecord, type JournaledLine, type RequestLine } from './log-line.js';
import { BATCH_BYTES, formatStyled, lineStyle, LogBatchEncoder, MAX_HEAD_BYTES, type LineStyle } from './log-batch.js';
import { inlineWriter, threadWriter, type BatchWriter } from './stdout-thread.js';

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

/** Where log lines go: stdout, written in batches (see logOutput), or a sink of the caller's. */
export interface LogOutput {
  write(line: string): void;
  /** A request's line, turned into text in `style` when it is written: with its batch on stdout, at once to a sink. */
  writeRequest(line: RequestLine, style: LineStyle): void;
  /** An API request's line, from its journal record (`lineOfRecord`). */
  writeJournaled(entry: JournaledLine, style: LineStyle): void;
  /** Writes out what is buffered, before the process exits. */
  flushSync(): void;
}

/** How long a line may wait for others to be written with (a person watching sees no delay), and how many may wait. */
const BATCH_MS = 10;
const BATCH_LINES = 256;
/** How long the exit waits for the stdout thread to write what it holds. */
const EXIT_WAIT_MS = 2000;

/**
 * Log lines for standard output, one queue for every mock of the process. A request's line is
 * encoded (`log-batch.ts`) into a batch; the lines of up to 10 ms (or 256 lines, or half a
 * buffer) are handed together to a thread that formats and writes them (`stdout-thread.ts`), or,
 * where there is none, formatted and written here. While the thread is behind (a reader that
 * does not read), batches fill their buffers; once every buffer is full, lines are dropped and
 * the mock goes on. `writeStdout` writes the CLI's own lines after the queued ones; what waits is
 * written at exit. A closed stdout (EPIPE: `| head`, a log collector gone) ends the logs, not the mock.
 */
export function logOutput(sink?: LogSink): LogOutput {
  if (sink) {
    const writeRequest = (line: RequestLine, style: LineStyle) => sink(formatStyled(line, style));
    return { write: sink, writeRequest, writeJournaled: (entry, style) => writeRequest(lineOfRecord(entry.record, entry.session, entry.unexpected), style), flushSync: () => {} };
  }
  watchStdout();
  return stdoutLog;
}

const encoder = new LogBatchEncoder();
let writer: BatchWriter | undefined;
/** Whether the encoder has a batch begun (a buffer acquired). */
let open = false;
let timer: NodeJS.Timeout | undefined;
let stdoutClosed = false;
let watchingStdout = false;

/** The writer, chosen at the first line: the thread when it starts, else this thread (also if the thread fails). */
const writerOf = (): BatchWriter =>
  (writer ??=
    threadWriter(() => {
      writer = inlineWriter();
      encoder.forgetNames();
      open = false;
    }) ?? inlineWriter());

function begin(): boolean {
  if (!stdoutClosed && writerOf().closed()) stdoutClosed = true;
  if (stdoutClosed) return false;
  // None while every buffer waits for a reader that does not read: the line is dropped.
  const buffer = writer!.acquire();
  if (!buffer) return false;
  encoder.begin(buffer);
  return (open = true);
}

/**
 * Hands the batch over, unless the writer is still writing earlier ones: then the batch stays
 * open and fills up, so that a reader that stops reading is owed every buffer full, and it is
 * tried again after BATCH_MS.
 */
function flushStdout(): void {
  if (!open) return;
  if (!writer!.idle()) {
    timer ??= setTimeout(onTimer, BATCH_MS).unref();
    return;
  }
  submit();
}

const onTimer = (): void => {
  timer = undefined;
  flushStdout();
};

function submit(): void {
  if (timer) clearTimeout(timer);
  timer = undefined;
  open = false;
  writer!.submit(encoder.end());
}

/** A line: a text, a request's line, or an API request's journal record (its head's bytes are copied). */
type Entry = string | RequestLine | JournaledLine;
const encode = (entry: Entry, style?: LineStyle): boolean =>
  typeof entry === 'string' ? encoder.addText(entry) : 'journal' in entry ? encoder.addJournaled(entry, style!) : encoder.addLine(entry, style!);

/** One line (a text, or a request's line in its style), into the batch begun or, when that is full, a new one; when none can be begun, dropped. */
function add(entry: Entry, style?: LineStyle): void {
  if (!open && !begin()) return;
  if (!encode(entry, style)) {
    submit();
    if (!begin() || !encode(entry, style)) return;
  }
  if (encoder.lines >= BATCH_LINES || encoder.bytes >= BATCH_BYTES / 2) flushStdout();
  // Unreferenced: a waiting log line does not keep a test runner alive; the exit hook writes it.
  else timer ??= setTimeout(onTimer, BATCH_MS).unref();
}

const stdoutLog: LogOutput = {
  write: add,
  writeRequest: add,
  writeJournaled: (entry, style) => {
    const headBytes = entry.journal.headBytes(entry.id);
    // Not the journal's newest any more (an answer that waited), or too long: by its fields.
    add(headBytes < 0 || headBytes > MAX_HEAD_BYTES ? lineOfRecord(entry.record, entry.session, entry.unexpected) : entry, style);
  },
  flushSync: flushStdout,
};

/** A line of the mock's own (start banner, warnings, shutdown), after the request lines before it. */
export function writeStdout(text: string): void {
  watchStdout();
  // Once the log has a writer, every line goes through it, in order.
  if (writer) {
    for (const line of text.replace(/\n$/, '').split('\n')) add(line);
    return flushStdout();
  }
  if (!stdoutClosed) process.stdout.write(text);
}

/** Once per process, however many mocks log: EPIPE and the like end the logs; what waits is written at exit. */
function watchStdout(): void {
  if (watchingStdout) return;
  watchingStdout = true;
  process.stdout.on('error', () => void (stdoutClosed = true));
  process.on('exit', () => {
    if (open) submit();
    writer?.drain(EXIT_WAIT_MS);
  });
}

/** The format asked for; else `json` to a caller's sink, `pretty` on a terminal, `json` elsewhere (containers, CI, files). */
export const logFormatOf = (options: { logFormat?: LogFormat; logSink?: LogSink }): LogFormat =>
  options.logFormat ?? (options.logSink || !process.stdout.isTTY ? 'json' : 'pretty');

/** Colours on a terminal unless NO_COLOR is set (https://no-color.org), or when FORCE_COLOR asks. */
export const useColor = (): boolean => (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') || (!!process.stdout.isTTY && process.env.NO_COLOR === undefined);

/** The path with its query as the request line gave it: Node's, when over a socket (no URL to build per line). */
function pathWithQuery(c: Context<AppEnv>): string {
  const raw = incomingOf(c)?.url;
  const url = raw?.startsWith('/') ? raw : c.req.url;
  const q = url.indexOf('?');
  const path = raw?.startsWith('/') ? (q < 0 ? raw : raw.slice(0, q)) : c.req.path;
  // Credentials a client put in the URL never reach a log line.
  return q < 0 ? path : `${path}?${maskQuery(url.slice(q + 1))}`;
}

let clockOffset = Date.now() - performance.now();
let offsetAt = performance.now();
/**
 * The wall-clock time of a `performance.now()` reading as ISO 8601, formatted once per
 * millisecond however many lines share it. The line's duration already read the clock, and a
 * second read (`Date.now`) was 6 % of the logger's time in a tight loop; the offset between the
 * clocks is read again each second, so the lines of at most a second after the clock is set (or
 * a laptop wakes: the monotonic clock stops during sleep) carry the old offset.
 */
function isoAt(now: number): string {
  if (now - offsetAt >= 1000) {
    clockOffset = Date.now() - now;
    offsetAt = now;
  }
  return isoOfMs(Math.floor(now + clockOffset));
}

/**
 * Requests that are probes, not calls, logged only at debug: container healthchecks poll the
 * health route every few seconds, and @qlik/api asks for product-info before its first call to a
 * host (the mock's 404 tells it the host is Qlik Cloud), so a warn log would hold one per SDK client.
 */
const PROBES = new Set(['/__mock/health', '/resources/autogenerated/product-info.json']);

/** Writes the line of one answered request. */
export type RequestLogger = (c: Context<AppEnv>, response: Response, started: number) => void;

/**
 * One line per request: when, method, path with query, status, duration, operation, fault,
 * session, and for 4xx/5xx the error's detail and traceId; an API request's from its journal
 * record. Its level: error for a 5xx or a dropped connection, warn for a 4xx, else info; lines
 * under `level` are not written.
 */
export function requestLogger(level: LogLevel, format: LogFormat, output: LogOutput, color = false): RequestLogger | undefined {
  if (level === 'silent') return undefined;
  const style = lineStyle(format, color);
  return (c, response, started) => {
    if (PROBES.has(c.req.path) && RANK[level] < RANK.debug) return;
    // A dropped connection sent nothing: its marker response is not a status.
    const status = c.get('dropped') ? 0 : response.status;
    const lineLevel = levelOf(status);
    if (RANK[lineLevel] > RANK[level]) return;
    const journaled = c.get('journaled');
    if (journaled) return output.writeJournaled(journaled, style);
    const path = pathWithQuery(c);
    const now = performance.now();
    const line: RequestLine = { time: isoAt(now), level: lineLevel, method: c.req.method, path, status, durationMs: Math.round((now - started) * 100) / 100 };
    const operationId = c.get('operationId');
    if (operationId) line.operationId = operationId;
    const fault = c.get('fault');
    if (fault) line.fault = fault;
    const session = c.get('session');
    if (session) line.session = session;
    const error = status >= 400 ? c.get('error') : undefined;
    if (error) {
      line.detail = error.detail;
      line.traceId = error.traceId;
    }
    const unexpected = c.get('unexpected');
    if (unexpected) line.error = unexpected;
    output.writeRequest(line, style);
  };
}

/** The logger as a middleware (for the control API and the front door; the API pipeline calls it itself). */
export const loggingMiddleware =
  (log: RequestLogger): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const started = performance.now();
    await next();
    log(c, c.res, started);
  };
