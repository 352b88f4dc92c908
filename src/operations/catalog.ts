import type { Contract, ContractName } from '../contract/document.js';
import { coreOperations } from './core.js';
import type { OperationDescriptor } from './descriptor.js';
import { tokenOperation } from './token.js';
import { v1Operations } from './v1.js';

const built = new WeakMap<object, readonly OperationDescriptor[]>();

/** Every operation the mock serves: both contracts' and its own token endpoint (built once per set of contracts). */
export function allOperations(contracts: Readonly<Record<ContractName, Contract>>): readonly OperationDescriptor[] {
  let operations = built.get(contracts.core);
  if (!operations) built.set(contracts.core, (operations = [...coreOperations(contracts.core), ...v1Operations(contracts.v1), tokenOperation]));
  return operations;
}
