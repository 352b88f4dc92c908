import type { AppType, StoredClient } from './types.js';

/** Chosen (docs/FACTS-v1.md: "only supported appType"): native, spa and web clients may be published. */
export const PUBLISHABLE_APP_TYPES: readonly AppType[] = ['native', 'spa', 'web'];

/** Why a client cannot be published, or undefined when it can. */
export function publishable(client: StoredClient): string | undefined {
  if (client.publishedAt !== undefined) return `OAuth client "${client.clientId}" is already published (since ${client.publishedAt}); there is no unpublish.`;
  if (!PUBLISHABLE_APP_TYPES.includes(client.appType)) {
    return `An OAuth client of appType "${client.appType}" cannot be published; only ${PUBLISHABLE_APP_TYPES.map((t) => `"${t}"`).join(', ')} can.`;
  }
  return undefined;
}
