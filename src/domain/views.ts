import { canHaveSecrets } from './secrets.js';
import type { ConnectionConfigView, StoredClient, StoredConnectionConfig } from './types.js';

/**
 * The shapes the two APIs show a client in. Each is computed once per stored record and kept
 * as JSON text: records are never changed in place (a change puts a new object), so the
 * record itself is the cache key.
 */

/** Everything stored but the tenant and the secrets, which appear only as hints; keys in a stable order. */
function fullView(client: StoredClient): Record<string, unknown> {
  const { tenantId: _tenant, secrets, ...shown } = client;
  const view: Record<string, unknown> = { ...shown };
  if (secrets.length > 0 || canHaveSecrets(client)) {
    view.clientSecrets = secrets.map(({ hint, createdAt, createdBy }) => ({ hint, createdAt, createdBy }));
  }
  return view;
}

/** A stored client as the control API lists it (GET /__mock/clients): secrets as hints only, never hashes. */
export interface ControlClientView {
  clientId: string;
  clientName: string;
  appType: string;
  tenantId: string;
  createdAt: string;
  /** How many secrets it holds. */
  secrets: number;
  clientSecrets?: { hint: string; createdAt: string; createdBy: string }[];
  [field: string]: unknown;
}

/** The full view, plus what the API leaves out and a dashboard shows: the tenant and how many secrets. */
export function controlView(client: StoredClient): ControlClientView {
  return { ...fullView(client), tenantId: client.tenantId, secrets: client.secrets.length } as ControlClientView;
}

/** Core (`/api/core`): the full view without `jwksUri`, which only the tenant API has. */
export function coreView(client: StoredClient): Record<string, unknown> {
  const { jwksUri: _jwks, ...view } = fullView(client);
  return view;
}

/** v1, a tenant admin reading one client: the full view. */
export const adminReadView = fullView;

/** v1, a user who is not an admin: the base shape, without redirect URIs and origins. */
export function memberReadView(client: StoredClient): Record<string, unknown> {
  const { redirectUris: _r, allowedOrigins: _o, ...view } = fullView(client);
  return view;
}

/** The owning tenant's config: the client's own consent method, approved from creation (chosen). */
export const ownerConfigView = (client: StoredClient): ConnectionConfigView => ({ consentMethod: client.connectionConfig.consentMethod, status: 'approved' });

/** A stored config as the API shows it. */
export function storedConfigView(config: StoredConnectionConfig): ConnectionConfigView {
  const view: ConnectionConfigView = { consentMethod: config.consentMethod };
  if (config.status) view.status = config.status;
  if (config.deletedByOwner) view.deletedByOwner = true;
  return view;
}

/** v1, a tenant admin listing: the full view with the tenant's full connection config. */
export function adminListItemView(client: StoredClient, config: ConnectionConfigView): Record<string, unknown> {
  return { ...fullView(client), connectionConfig: config };
}

/** `JSON.stringify(view(client))`, computed once per stored record. */
function cachedJson(view: (client: StoredClient) => Record<string, unknown>): (client: StoredClient) => string {
  const cache = new WeakMap<StoredClient, string>();
  return (client) => {
    let json = cache.get(client);
    if (json === undefined) cache.set(client, (json = JSON.stringify(view(client))));
    return json;
  };
}

/** The list item of an owning tenant's admin, whose config is the implicit one (the common case, cached). */
export const ownerListItemView = (client: StoredClient): Record<string, unknown> => adminListItemView(client, ownerConfigView(client));

export const coreViewJson = cachedJson(coreView);
export const adminReadJson = cachedJson(adminReadView);
export const memberReadJson = cachedJson(memberReadView);
export const ownerListItemJson = cachedJson(ownerListItemView);

const utf8 = new TextEncoder();

/**
 * A view's JSON as UTF-8 bytes, once per stored record: a string body is encoded again on every
 * write to the socket, bytes are sent as they are.
 */
function cachedBytes(json: (client: StoredClient) => string): (client: StoredClient) => Uint8Array<ArrayBuffer> {
  const cache = new WeakMap<StoredClient, Uint8Array<ArrayBuffer>>();
  return (client) => {
    let bytes = cache.get(client);
    if (bytes === undefined) cache.set(client, (bytes = utf8.encode(json(client))));
    return bytes;
  };
}

export const coreViewBytes = cachedBytes(coreViewJson);
export const adminReadBytes = cachedBytes(adminReadJson);
export const memberReadBytes = cachedBytes(memberReadJson);
