import type { MiddlewareHandler } from 'hono';
import type { LogLevel, LogSink } from '../runtime/options.js';
import type { AppEnv } from './env.js';

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };


/**
 * One structured JSON line per request: method, path, status, duration and the fault applied
 * (if a fault rule or `Prefer` answered it). Never the Authorization header or a body.
 */
export function requestLogger(level: LogLevel, sink: LogSink = (line) => process.stdout.write(`${line}\n`)): MiddlewareHandler<AppEnv> | undefined {
  if (level === 'silent') return undefined;
  return async (c, next) => {
    const started = performance.now();
    await next();
    // Container healthchecks poll every few seconds: keep them out of the info log.
    if (c.req.path === '/__mock/health' && RANK[level] < RANK.debug) return;
    // A reset connection sent nothing: its marker response is not a status.
    const status = c.res.headers.has('x-hono-already-sent') ? 0 : c.res.status;
    // A line's level: error for a 5xx or a dropped connection, warn for a 4xx, else info.
    const lineLevel = status >= 500 || status === 0 ? 'error' : status >= 400 ? 'warn' : 'info';
    if (RANK[lineLevel] > RANK[level]) return;
    const entry: Record<string, unknown> = {
      time: new Date().toISOString(),
      level: lineLevel,
      method: c.req.method,
      path: c.req.path,
      status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    };
    const operationId = c.get('operationId');
    if (operationId) entry.operationId = operationId;
    const session = c.get('session');
    if (session) entry.session = session;
    const fault = c.get('fault');
    if (fault) entry.fault = fault;
    const error = c.get('error');
    if (error) entry.error = error;
    if (RANK[level] >= RANK.debug) entry.query = new URL(c.req.url).search || undefined;
    sink(JSON.stringify(entry));
  };
}
