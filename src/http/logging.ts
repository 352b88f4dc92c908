import type { Context, MiddlewareHandler } from 'hono';
import type { LogFormat, LogLevel, LogSink } from '../runtime/options.js';
import { incomingOf, type AppEnv } from './env.js';
import { maskQuery } from '../journal/redaction.js';
import { formatLine, type RequestLine } from './log-line.js';

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

/** Where log lines go: stdout, written in batches (see logOutput), or a sink of the caller's. */
export interface LogOutput {
  write(line: string): void;
  /** Writes out what is buffered, before the process exits. */
  flushSync(): void;
}

/** How long a line may wait for others to be written with (a person watching sees no delay), and how much may wait. */
const BATCH_MS = 10;
const BATCH_CHARS = 64 * 1024;

/**
 * Log lines for standard output, one buffer for every mock of the process: the lines of up to
 * 10 ms (or 64 KB) are joined and written with one `process.stdout.write`, which Node writes
 * synchronously to a file or a terminal and asynchronously to a pipe (libuv writes at once what
 * the pipe takes and queues the rest), so a reader that stops reading (a test runner that
 * spawned the mock and read only its first line) never stalls the mock. `writeStdout` writes the
 * CLI's own lines after the buffered ones, and the buffer is written out at exit. Under GET load
 * (`bench/profile.ts` with PROFILE_LOG=info) a write per turn of the event loop took 3-4 % of the
 * samples, one per 10 ms 2.3 % (joining the lines is most of it); sonic-boom's asynchronous mode
 * handed every write to libuv's thread pool, its synchronous mode stalls on a pipe nobody reads,
 * and a write per line cost 15 % of list throughput. A closed stdout (EPIPE: `| head`, a log collector
 * gone) ends the logs, not the mock.
 */
export function logOutput(sink?: LogSink): LogOutput {
  if (sink) return { write: sink, flushSync: () => {} };
  watchStdout();
  return stdoutLog;
}

let pending: string[] = [];
let pendingChars = 0;
let timer: NodeJS.Timeout | undefined;
let stdoutClosed = false;
let watchingStdout = false;

function flushStdout(): void {
  if (timer) clearTimeout(timer);
  timer = undefined;
  if (!pending.length) return;
  const text = `${pending.join('\n')}\n`;
  pending = [];
  pendingChars = 0;
  if (!stdoutClosed) process.stdout.write(text);
}

const stdoutLog: LogOutput = {
  write: (line) => {
    if (stdoutClosed) return;
    pending.push(line);
    pendingChars += line.length;
    if (pendingChars >= BATCH_CHARS) flushStdout();
    // Unreferenced: a waiting log line does not keep a test runner alive; the exit hook writes it.
    else if (!timer) timer = setTimeout(flushStdout, BATCH_MS).unref();
  },
  flushSync: flushStdout,
};

/** A line of the mock's own (start banner, warnings, shutdown), after the request lines before it. */
export function writeStdout(text: string): void {
  watchStdout();
  flushStdout();
  if (!stdoutClosed) process.stdout.write(text);
}

/** Once per process, however many mocks log: EPIPE and the like end the logs; what waits is written at exit. */
function watchStdout(): void {
  if (watchingStdout) return;
  watchingStdout = true;
  process.stdout.on('error', () => void (stdoutClosed = true));
  process.on('exit', flushStdout);
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

let lastMs = 0;
let lastIso = '';
/** Now as ISO 8601, formatted once per millisecond however many lines share it. */
function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
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
 * session, and for 4xx/5xx the error's detail and traceId. Its level: error for a 5xx or a
 * dropped connection, warn for a 4xx, else info; lines under `level` are not written.
 */
export function requestLogger(level: LogLevel, format: LogFormat, output: LogOutput, color = false): RequestLogger | undefined {
  if (level === 'silent') return undefined;
  return (c, response, started) => {
    if (PROBES.has(c.req.path) && RANK[level] < RANK.debug) return;
    // A dropped connection sent nothing: its marker response is not a status.
    const status = c.get('dropped') ? 0 : response.status;
    const lineLevel = status >= 500 || status === 0 ? 'error' : status >= 400 ? 'warn' : 'info';
    if (RANK[lineLevel] > RANK[level]) return;
    const path = pathWithQuery(c);
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    const line: RequestLine = { time: isoNow(), level: lineLevel, method: c.req.method, path, status, durationMs };
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
    output.write(formatLine(line, format, color));
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
