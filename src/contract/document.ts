import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OperationSpec } from './operations.js';

/** The two contracts the mock serves: the organization-level API and the tenant-level one. */
export type ContractName = 'core' | 'v1';

/** The vendored documents, beside src/ and dist/: the user's contracts, served read-only. */
export const CONTRACT_PATHS: Record<ContractName, string> = {
  core: fileURLToPath(new URL('../../contract/oauth-clients.openapi.json', import.meta.url)),
  v1: fileURLToPath(new URL('../../contract/oauth-clients.v1.openapi.json', import.meta.url)),
};

export interface Contract {
  readonly name: ContractName;
  /** The document exactly as vendored (served read-only). */
  readonly raw: string;
  readonly document: Record<string, any>;
  readonly operations: readonly OperationSpec[];
}

const cached = new Map<ContractName, Contract>();

/** A contract's document and its operations, read once per process. */
export function loadContract(name: ContractName = 'core'): Contract {
  let contract = cached.get(name);
  if (contract) return contract;
  const raw = readFileSync(CONTRACT_PATHS[name], 'utf8');
  const document = JSON.parse(raw) as Record<string, any>;
  const operations: OperationSpec[] = [];
  for (const [path, item] of Object.entries<Record<string, any>>(document.paths)) {
    for (const [method, op] of Object.entries<Record<string, any>>(item)) {
      if (!op || typeof op !== 'object' || typeof op.operationId !== 'string') continue;
      operations.push({
        contract: name,
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        tier: op['x-qlik-tier'],
        responses: Object.keys(op.responses ?? {}),
        takesBody: op.requestBody !== undefined,
      });
    }
  }
  contract = { name, raw, document, operations };
  cached.set(name, contract);
  return contract;
}
