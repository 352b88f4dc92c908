import type { Contract } from '../contract/document.js';
import type { ConnectionConfigPatch, ConnectionConfigView, CreateInput, Identity, PatchOperation, StoredClient } from '../domain/types.js';
import { adminListItemView, adminReadBytes, adminReadView, memberReadBytes, memberReadJson, ownerListItemJson, storedConfigView } from '../domain/views.js';
import { FILTER_ATTRIBUTES, type FilterAttribute } from '../query/filter.js';
import { SORT_KEYS, type SortKey } from '../query/sort.js';
import type { OAuthClientsService, Visibility } from '../service/oauth-clients.js';
import { caller, type Access, type OperationCall, type OperationDescriptor } from './descriptor.js';
import { missing } from './core.js';
import { confirmDelete, JSON_TYPE, listAnswer, patchBody, validBody } from './shared.js';

/** v1 filters and sorts on every attribute and key the mock knows (the same arrays: caches keyed by them are shared). */
export const V1_FILTER_ATTRIBUTES: readonly FilterAttribute[] = FILTER_ATTRIBUTES;
export const V1_SORT_KEYS: readonly SortKey[] = SORT_KEYS;

type Handler = (call: OperationCall) => Response | Promise<Response>;

/** Tenant admins also see what other tenants published; other users of the tenant only its own clients. */
const visibility = (identity: Identity): Visibility => (identity.admin ? 'shared' : 'own');

/** The calling tenant's connection config of a client: its own stored one, else the owner's implicit one or a new one's. */
function callerConfig(service: OAuthClientsService, identity: Identity, client: StoredClient): ConnectionConfigView {
  const stored = service.store.config(client.clientId, identity.tenantId);
  if (stored && !stored.deleted) return storedConfigView(stored);
  return { consentMethod: client.tenantId === identity.tenantId ? client.connectionConfig.consentMethod : 'required' };
}

/** An admin's list item: the client with the calling tenant's full connection config. */
function adminListItemJson(service: OAuthClientsService, identity: Identity, client: StoredClient): string {
  // The owning tenant's implicit config is the common case, cached per record.
  if (client.tenantId === identity.tenantId && !service.store.config(client.clientId, identity.tenantId)) return ownerListItemJson(client);
  return JSON.stringify(adminListItemView(client, callerConfig(service, identity, client)));
}

/**
 * The tenant-level API (`/api/v1/oauth-clients`, docs/FACTS-v1.md): what the official SDK calls.
 * Tenant admins manage their tenant's clients and see the ones other tenants published; other
 * users of the tenant may read, in the non-admin shapes (chosen).
 */
const HANDLERS: Record<string, Handler> = {
  readAllOAuthClients: (call) => {
    const identity = caller(call);
    const { service } = call.deps;
    return listAnswer(call, { filterAttributes: V1_FILTER_ATTRIBUTES, sortKeys: V1_SORT_KEYS }, (query) => {
      const result = service.list(identity, query, visibility(identity));
      // The non-admin list has no totalResults (docs/FACTS-v1.md).
      if (!identity.admin) return { result, items: result.items.map(memberReadJson), withTotal: false };
      return { result, items: result.items.map((client) => adminListItemJson(service, identity, client)) };
    });
  },

  createOAuthClient: async (call) => {
    const { c, deps } = call;
    const input = (await validBody(c, deps.validators, 'createOAuthClient')) as CreateInput;
    const { client, secret } = await deps.service.create(caller(call), input);
    return c.json({ ...adminReadView(client), clientSecret: secret ?? '', clientSecretHint: client.secrets[0]?.hint ?? '' }, 201);
  },

  readOAuthClient: (call) => {
    const identity = caller(call);
    const { service } = call.deps;
    const client = service.get(identity, call.params.id, visibility(identity));
    if (!identity.admin) return call.c.body(memberReadBytes(client), 200, JSON_TYPE);
    if (client.tenantId === identity.tenantId) return call.c.body(adminReadBytes(client), 200, JSON_TYPE);
    // Another tenant's published client, with this tenant's consent method (as its list item and `me` show).
    return call.c.json({ ...adminReadView(client), connectionConfig: { consentMethod: callerConfig(service, identity, client).consentMethod } });
  },

  patchOAuthClient: async (call) => {
    const operations = (await patchBody(call.c, call.deps.validators, 'patchOAuthClient')) as PatchOperation[];
    const { secret } = await call.deps.service.patch(caller(call), call.params.id, operations, 'shared');
    // docs/FACTS-v1.md: 202 with the secret a patch generated, else 204.
    return secret === undefined ? call.c.body(null, 204) : call.c.json({ clientSecret: secret }, 202);
  },

  deleteOAuthClient: async (call) => {
    confirmDelete(call.c, call.params.id);
    await call.deps.service.delete(caller(call), call.params.id, 'shared');
    return call.c.body(null, 204);
  },

  publishOAuthClient: async (call) => {
    const publishedAt = await call.deps.service.publish(caller(call), call.params.id);
    return call.c.json({ publishedAt }, 201);
  },

  createOAuthClientSecret: async (call) => {
    const { clientId, record, plaintext } = await call.deps.service.createSecret(caller(call), call.params.id, 'shared');
    return call.c.json({ hint: record.hint, clientId, clientSecret: plaintext, createdAt: record.createdAt, createdBy: record.createdBy }, 201);
  },

  deleteOAuthClientSecret: async (call) => {
    await call.deps.service.deleteSecret(caller(call), call.params.id, call.params.hint, 'shared');
    return call.c.body(null, 204);
  },

  readConnectionConfig: async (call) => {
    const identity = caller(call);
    return call.c.json(await call.deps.service.readConfig(identity, call.params.id, visibility(identity)));
  },

  patchConnectionConfig: async (call) => {
    // Operations apply in order: the last one's value is the result (none: nothing changes).
    const change = ((await patchBody(call.c, call.deps.validators, 'patchConnectionConfig')) as ConnectionConfigPatch[]).at(-1);
    if (change === undefined) return call.c.body(null, 204);
    await call.deps.service.patchConfig(caller(call), call.params.id, change.value);
    return call.c.body(null, 204);
  },

  deleteConnectionConfig: async (call) => {
    await call.deps.service.deleteConfig(caller(call), call.params.id);
    return call.c.body(null, 204);
  },
};

/** Reads are for every user of the tenant; writes for its admins. */
const READS = new Set(['readAllOAuthClients', 'readOAuthClient', 'readConnectionConfig']);

export function v1Operations(contract: Contract): OperationDescriptor[] {
  return contract.operations.map((spec) => ({
    ...spec,
    access: (READS.has(spec.operationId) ? 'member' : 'admin') as Access,
    forbidden: 'Only a tenant admin can change OAuth clients; other users of the tenant may only read them.',
    faults: 'all',
    handler: HANDLERS[spec.operationId] ?? missing(spec.operationId),
  }));
}
