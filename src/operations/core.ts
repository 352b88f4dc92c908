import type { Contract } from '../contract/document.js';
import type { CreateInput, PatchOperation } from '../domain/types.js';
import { coreView, coreViewBytes, coreViewJson } from '../domain/views.js';
import type { FilterAttribute } from '../query/filter.js';
import type { SortKey } from '../query/sort.js';
import { caller, type OperationDescriptor, type OperationCall } from './descriptor.js';
import { confirmDelete, JSON_TYPE, listAnswer, patchBody, validBody } from './shared.js';

/** Core's filter attributes: the document's three, and `createdByType` of the newer revision (docs/FACTS.md). */
export const CORE_FILTER_ATTRIBUTES: readonly FilterAttribute[] = ['clientId', 'clientName', 'appType', 'createdByType'];
export const CORE_SORT_KEYS: readonly SortKey[] = ['clientId', 'clientName', 'appType', 'createdAt', 'updatedAt'];

type Handler = (call: OperationCall) => Response | Promise<Response>;

/** The organization-level API (`/api/core/oauth-clients`): its owner manages its tenant's clients. */
const HANDLERS: Record<string, Handler> = {
  readAllOAuthClientsQCC: (call) =>
    listAnswer(call, { filterAttributes: CORE_FILTER_ATTRIBUTES, sortKeys: CORE_SORT_KEYS }, (query) => {
      const result = call.deps.service.list(caller(call), query);
      return { result, items: result.items.map(coreViewJson) };
    }),

  createOAuthClientQCC: async (call) => {
    const { c, deps } = call;
    // jwksUri is the tenant API's; here it is an unknown property, ignored like any other.
    const { jwksUri: _ignored, ...input } = (await validBody(c, deps.validators, 'createOAuthClientQCC')) as CreateInput;
    const { client, secret } = await deps.service.create(caller(call), input);
    // Chosen: clients without secrets (public apps, private_key_jwt-only web apps) get "".
    return c.json({ ...coreView(client), clientSecret: secret ?? '', clientSecretHint: client.secrets[0]?.hint ?? '' }, 201);
  },

  readOAuthClientQCC: (call) => call.c.body(coreViewBytes(call.deps.service.get(caller(call), call.params.id)), 200, JSON_TYPE),

  patchOAuthClientQCC: async (call) => {
    const operations = (await patchBody(call.c, call.deps.validators, 'patchOAuthClientQCC')) as PatchOperation[];
    await call.deps.service.patch(caller(call), call.params.id, operations);
    return call.c.body(null, 204);
  },

  deleteOAuthClientQCC: async (call) => {
    confirmDelete(call.c, call.params.id);
    await call.deps.service.delete(caller(call), call.params.id);
    return call.c.body(null, 204);
  },

  createOAuthClientSecretQCC: async (call) => {
    const { clientId, record, plaintext } = await call.deps.service.createSecret(caller(call), call.params.id);
    return call.c.json({ hint: record.hint, clientId, clientSecret: plaintext, createdAt: record.createdAt, createdBy: record.createdBy }, 201);
  },

  deleteOAuthClientSecretQCC: async (call) => {
    await call.deps.service.deleteSecret(caller(call), call.params.id, call.params.hint);
    return call.c.body(null, 204);
  },
};

/** One descriptor per operation of the core contract: every one needs the organization's owner. */
export function coreOperations(contract: Contract): OperationDescriptor[] {
  return contract.operations.map((spec) => ({
    ...spec,
    access: 'admin',
    forbidden: 'Only the organization owner can manage OAuth clients.',
    faults: 'all',
    handler: HANDLERS[spec.operationId] ?? missing(spec.operationId),
  }));
}

/** A contract operation without a handler is a bug of the mock, found by the tests at once. */
export function missing(operationId: string): Handler {
  throw new Error(`no handler for the contract operation ${operationId}`);
}
