import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The vendored contract: the user's API document, loaded once. Works from src/ and dist/. */
export const CONTRACT_PATH = fileURLToPath(new URL('../../contract/oauth-clients.openapi.json', import.meta.url));

export interface OpenApiOperation {
  operationId: string;
  method: string;
  /** The document's path template, e.g. `/api/core/oauth-clients/{id}`. */
  path: string;
  tier?: { tier: string; limit: number };
  responses: string[];
}

export interface Contract {
  /** The document exactly as vendored (served read-only). */
  readonly raw: string;
  readonly document: Record<string, any>;
  readonly operations: readonly OpenApiOperation[];
}

let cached: Contract | undefined;

export function loadContract(): Contract {
  if (cached) return cached;
  const raw = readFileSync(CONTRACT_PATH, 'utf8');
  const document = JSON.parse(raw) as Record<string, any>;
  const operations: OpenApiOperation[] = [];
  for (const [path, item] of Object.entries<Record<string, any>>(document.paths)) {
    for (const [method, op] of Object.entries<Record<string, any>>(item)) {
      operations.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        tier: op['x-qlik-tier'],
        responses: Object.keys(op.responses ?? {}),
      });
    }
  }
  cached = { raw, document, operations };
  return cached;
}
