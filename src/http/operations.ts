import type { OpenApiOperation } from '../contract/document.js';

/** Where the resource is served: the document's path, and the tenant path the official SDK calls. */
export const API_PREFIXES = ['/api/core/oauth-clients', '/api/v1/oauth-clients'] as const;
const DOCUMENT_PREFIX = API_PREFIXES[0];

/**
 * The token endpoint (FACTS.md). Not in the contract, but resolved like its operations, so fault
 * rules can target it by operationId and it is journaled; it needs no bearer token.
 */
export const TOKEN_OPERATION: OpenApiOperation = { operationId: 'issueOAuthToken', method: 'POST', path: '/oauth/token', responses: ['200', '400', '401'] };

export type RouteMatch =
  | { kind: 'operation'; operation: OpenApiOperation; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

interface CompiledPath {
  pattern: RegExp;
  names: string[];
  byMethod: Map<string, OpenApiOperation>;
}

/**
 * Tells which operation of the contract a request is, before any handler runs, so that
 * faults, the journal and rate limits can target operations by id, and unknown routes and
 * wrong methods get their 404/405 in the API's error shape.
 */
export class OperationResolver {
  private readonly paths: CompiledPath[] = [];

  constructor(operations: readonly OpenApiOperation[]) {
    const grouped = new Map<string, OpenApiOperation[]>();
    for (const op of operations) grouped.set(op.path, [...(grouped.get(op.path) ?? []), op]);
    for (const [template, ops] of grouped) {
      // The contract's paths are served under every API prefix; any other path (the token endpoint) as it is.
      const prefixed = template.startsWith(DOCUMENT_PREFIX);
      const suffix = prefixed ? template.slice(DOCUMENT_PREFIX.length) : template;
      const names = [...suffix.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const body = suffix.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\}/g, '([^/]+)');
      const prefixes = prefixed ? `(?:${API_PREFIXES.map((p) => p.replace(/[/]/g, '\\/')).join('|')})` : '';
      this.paths.push({
        pattern: new RegExp(`^${prefixes}${body}$`),
        names,
        byMethod: new Map(ops.map((op) => [op.method, op])),
      });
    }
  }

  resolve(method: string, path: string): RouteMatch {
    for (const candidate of this.paths) {
      const m = candidate.pattern.exec(path);
      if (!m) continue;
      const operation = candidate.byMethod.get(method === 'HEAD' ? 'GET' : method);
      if (!operation) return { kind: 'method-not-allowed', allow: [...candidate.byMethod.keys()] };
      const params: Record<string, string> = {};
      candidate.names.forEach((name, i) => (params[name] = safeDecode(m[i + 1])));
      return { kind: 'operation', operation, params };
    }
    return { kind: 'not-found' };
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
