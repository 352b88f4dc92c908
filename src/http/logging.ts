import type { Context, MiddlewareHandler } from 'hono';
import type { LogFormat, LogLevel, LogSink } from '../runtime/options.js';
import { incomingOf, type AppEnv } from './env.js';
import { maskQuery } from '../journal/redaction.js';

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

/** One request as a log line shows it. Never the Authorization header, a body or a secret. */
export interface RequestLine {
  time: string;
  level: 'info' | 'warn' | 'error';
  msg: string;
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

/** Where log lines go: stdout, one write per turn of the event loop (see logOutput), or a sink of the caller's. */
export interface LogOutput {
  write(line: string): void;
  /** Writes out what is buffered, before the process exits. */
  flushSync(): void;
}

/**
 * Log lines for standard output: the lines of one turn of the event loop are joined and written
 * with one `process.stdout.write` once the turn's requests are answered, which Node writes
 * synchronously to a file or a terminal and asynchronously to a pipe (libuv writes at once what
 * the pipe takes and queues the rest), so a reader that stops reading (a test runner that
 * spawned the mock and read only its first line) never stalls the mock, and the CLI's own lines
 * keep their order among them. `bench/ab.ts` at info → file: ×1.10-1.23 GET and ×1.09-1.15 list
 * req/s against sonic-boom's asynchronous mode, which handed every write to libuv's thread pool
 * (and a write per line, before that, cost 15 % of list throughput); sonic-boom's synchronous
 * mode measured the same as this, and stalls on a pipe nobody reads. A closed stdout (EPIPE:
 * `| head`, a log collector gone) ends the logs, not the mock.
 */
export function logOutput(sink?: LogSink): LogOutput {
  if (sink) return { write: sink, flushSync: () => {} };
  watchStdout();
  let pending: string[] = [];
  const flush = () => {
    const text = `${pending.join('\n')}\n`;
    pending = [];
    if (!stdoutClosed) process.stdout.write(text);
  };
  return {
    write: (line) => {
      if (!stdoutClosed && pending.push(line) === 1) setImmediate(flush);
    },
    flushSync: () => {
      if (pending.length) flush();
    },
  };
}

let stdoutClosed = false;
let watchingStdout = false;
/** One listener per process, however many mocks log: EPIPE and the like end the logs. */
function watchStdout(): void {
  if (watchingStdout) return;
  watchingStdout = true;
  process.stdout.on('error', () => void (stdoutClosed = true));
}

/** The format asked for; else `json` to a caller's sink, `pretty` on a terminal, `json` elsewhere (containers, CI, files). */
export const logFormatOf = (options: { logFormat?: LogFormat; logSink?: LogSink }): LogFormat =>
  options.logFormat ?? (options.logSink || !process.stdout.isTTY ? 'json' : 'pretty');

const COLORS = { reset: '\x1b[0m', dim: '\x1b[2m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', magenta: '\x1b[35m', cyan: '\x1b[36m' };

/** Colours on a terminal unless NO_COLOR is set (https://no-color.org), or when FORCE_COLOR asks. */
export const useColor = (): boolean => (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') || (!!process.stdout.isTTY && process.env.NO_COLOR === undefined);

/** A line as JSON (`msg` and the fields) or as one readable line for a person. */
export function formatLine(line: RequestLine, format: LogFormat, color = false): string {
  if (format === 'json') return JSON.stringify(line);
  const paint = (code: keyof typeof COLORS, text: string) => (color ? `${COLORS[code]}${text}${COLORS.reset}` : text);
  const statusColor = line.status === 0 ? 'magenta' : line.status >= 500 ? 'red' : line.status >= 400 ? 'yellow' : line.status >= 300 ? 'cyan' : 'green';
  let text = `${paint('dim', line.time.slice(11, 23))} ${line.method} ${line.path} ${paint(statusColor, line.status === 0 ? 'dropped' : String(line.status))} ${paint('dim', `${line.durationMs}ms`)}`;
  if (line.operationId) text += ` ${line.operationId}`;
  if (line.session) text += ` ${paint('cyan', `[${line.session}]`)}`;
  if (line.fault) text += ` ${paint('magenta', `fault=${line.fault}`)}`;
  if (line.detail) text += ` ${paint(statusColor, `— ${line.detail}`)}`;
  if (line.traceId) text += ` ${paint('dim', `(traceId ${line.traceId})`)}`;
  if (line.error) text += ` ${paint('red', line.error)}`;
  return text;
}

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
    const line: RequestLine = { time: isoNow(), level: lineLevel, msg: `${c.req.method} ${path} ${status}`, method: c.req.method, path, status, durationMs };
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

/** A line about the mock itself rather than a request (an error below the app), in the same format. */
export function formatEvent(level: 'info' | 'warn' | 'error', msg: string, format: LogFormat, color = false): string {
  const time = new Date().toISOString();
  if (format === 'json') return JSON.stringify({ time, level, msg });
  const text = `${time.slice(11, 23)} ${level.toUpperCase()} ${msg}`;
  return color && level === 'error' ? `${COLORS.red}${text}${COLORS.reset}` : text;
}
