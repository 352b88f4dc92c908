import type { Contract, ContractName } from '../contract/document.js';
import { coreOperations } from './core.js';
import type { OperationDescriptor } from './descriptor.js';
import { tokenOperation } from './token.js';
import { v1Operations } from './v1.js';

/** Every operation the mock serves: both contracts' and its own token endpoint. */
export function allOperations(contracts: Readonly<Record<ContractName, Contract>>): OperationDescriptor[] {
  return [...coreOperations(contracts.core), ...v1Operations(contracts.v1), tokenOperation];
}
