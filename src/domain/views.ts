import { canHaveSecrets } from './secrets.js';
import type { StoredClient } from './types.js';

/**
 * The client as the API shows it: everything stored but the tenant and the secrets,
 * which appear only as hints. Keys are in a stable order so answers are byte-stable.
 */
export function clientView(client: StoredClient): Record<string, unknown> {
  const { tenantId: _tenant, secrets, ...shown } = client;
  const view: Record<string, unknown> = { ...shown };
  if (secrets.length > 0 || canHaveSecrets(client)) {
    view.clientSecrets = secrets.map(({ hint, createdAt, createdBy }) => ({ hint, createdAt, createdBy }));
  }
  return view;
}

const viewJson = new WeakMap<StoredClient, string>();

/**
 * `JSON.stringify(clientView(client))`, computed once per stored record: records are never
 * changed in place (a change puts a new object), so the record itself is the cache key.
 */
export function clientViewJson(client: StoredClient): string {
  let json = viewJson.get(client);
  if (json === undefined) viewJson.set(client, (json = JSON.stringify(clientView(client))));
  return json;
}
