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
