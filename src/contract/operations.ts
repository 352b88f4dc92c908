/**
 * What an operation is, whichever contract declares it, and which operation a request is.
 * Pure: no HTTP framework, so the runtime, the pipeline and `verify` share one resolver.
 */

/** Who declares an operation: one of the vendored contracts, or the mock itself (the token endpoint). */
export type OperationSource = 'core' | 'v1' | 'mock';

export interface OperationSpec {
  contract: OperationSource;
  operationId: string;
  method: string;
  /** The path template, e.g. `/api/core/oauth-clients/{id}`. */
  path: string;
  /** `x-qlik-tier`: the rate limit the operation is under. */
  tier?: { tier: string; limit: number };
  /** The statuses the declaring document lists. */
  responses: string[];
  /** The operation reads a request body (the document declares one). */
  takesBody?: boolean;
}

/**
 * The token endpoint (docs/FACTS.md). In neither contract, but an operation of the mock, so
 * fault rules can target it by operationId and it is journaled.
 */
export const TOKEN_OPERATION: OperationSpec = {
  contract: 'mock',
  operationId: 'issueOAuthToken',
  method: 'POST',
  path: '/oauth/token',
  responses: ['200', '400', '401'],
  takesBody: true,
};

export type RouteMatch<T> =
  | { kind: 'operation'; operation: T; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

interface CompiledPath<T> {
  /** The template up to its first variable: a cheap test before the pattern's. */
  prefix: string;
  pattern: RegExp;
  names: string[];
  byMethod: Map<string, T>;
  /** The methods a 405 names: the path's own, HEAD wherever GET is. */
  allow: string[];
}

/**
 * Tells which operation a request is, before any handler runs, so that faults, the journal and
 * rate limits can target operations by id, and unknown routes and wrong methods get their
 * 404/405. Templates are matched segment by segment (`{name}` is one non-empty segment).
 */
export class OperationResolver<T extends { method: string; path: string }> {
  private readonly paths: CompiledPath<T>[] = [];

  constructor(operations: readonly T[]) {
    const grouped = new Map<string, T[]>();
    for (const op of operations) grouped.set(op.path, [...(grouped.get(op.path) ?? []), op]);
    for (const [template, ops] of grouped) {
      const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const body = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\}/g, '([^/]+)');
      const prefix = template.split('{')[0];
      const methods = ops.map((op) => op.method);
      const allow = methods.flatMap((method) => (method === 'GET' ? ['GET', 'HEAD'] : [method]));
      this.paths.push({ prefix, pattern: new RegExp(`^${body}$`), names, byMethod: new Map(ops.map((op) => [op.method, op])), allow });
    }
  }

  resolve(method: string, path: string): RouteMatch<T> {
    for (const candidate of this.paths) {
      if (!path.startsWith(candidate.prefix)) continue;
      const m = candidate.pattern.exec(path);
      if (!m) continue;
      const operation = candidate.byMethod.get(method === 'HEAD' ? 'GET' : method);
      if (!operation) return { kind: 'method-not-allowed', allow: candidate.allow };
      const params: Record<string, string> = {};
      candidate.names.forEach((name, i) => (params[name] = safeDecode(m[i + 1])));
      return { kind: 'operation', operation, params };
    }
    return { kind: 'not-found' };
  }
}

function safeDecode(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
