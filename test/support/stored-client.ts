import type { StoredClient } from '../../src/domain/types.js';

/** The smallest valid stored client: a native app of tenant `t`, named after its id. */
export const storedClient = (clientId: string): StoredClient => ({
  tenantId: 't',
  clientId,
  appType: 'native',
  clientName: clientId,
  connectionConfig: { consentMethod: 'required' },
  createdAt: '2025-01-01T00:00:00.000000Z',
  updatedAt: '2025-01-01T00:00:00.000000Z',
  ownerId: 'u',
  createdByType: 'user',
  secrets: [],
});
