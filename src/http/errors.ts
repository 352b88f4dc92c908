import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';

const TRACE_PREFIX = randomBytes(8).toString('hex');
let traceCounter = 0;

/**
 * A trace id: 32 lowercase hex characters, unique within the process (a random per-process
 * prefix and a counter; a random UUID each cost ~5% of a GET's CPU). Only error bodies carry one.
 */
const newTraceId = (): string => TRACE_PREFIX + (++traceCounter).toString(16).padStart(16, '0');

/** Titles the real service uses where they differ from the plain reason phrase. */
const TITLES: Record<number, string> = { 429: 'API rate limit reached.' };

export const statusTitle = (status: number): string => TITLES[status] ?? STATUS_CODES[status] ?? 'Error';

export interface ErrorBody {
  errors: { code: string; title: string; detail: string; status: string }[];
  traceId: string;
}

/** The API's error shape (`{"errors":[{code,title,detail}]}`), with Qlik's customary status and traceId. */
export function errorBody(status: number, detail: string): ErrorBody {
  return { errors: [{ code: `HTTP-${status}`, title: statusTitle(status), detail, status: String(status) }], traceId: newTraceId() };
}

/** Thrown anywhere below the routes; the app's error handler turns it into the error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}
