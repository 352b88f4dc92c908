import { sha256Hex } from '../domain/ids.js';
import { HINT_LENGTH } from '../domain/secrets.js';
import type { Identity, StoredClient } from '../domain/types.js';
import { loadFakerModule } from './load-faker.js';

const APP_SUFFIXES = ['Portal', 'Dashboard', 'Sync', 'Reporting', 'Embed', 'Connector', 'Analytics', 'Automation', 'Gateway', 'Mobile'];
const SCOPES = ['user_default', 'admin_classic', 'automations', 'apps:read', 'apps:export', 'spaces.data:read'];
/** Faker dates are drawn before this fixed moment so a seed gives the same data on every day. */
const REFERENCE_DATE = '2025-11-01T00:00:00.000Z';

/**
 * `count` realistic clients for the identity's tenant, the same for the same seed.
 * Secrets are generated and only their hash kept, as the service does.
 */
export function fakeClients(count: number, owner: Identity, seed?: number): StoredClient[] {
  const faker = loadFakerModule();
  faker.seed(seed ?? Math.floor(Math.random() * 2 ** 31));
  const clients: StoredClient[] = [];
  const ids = new Set<string>();
  const stamps = faker.date
    .betweens({ from: '2021-01-01T00:00:00.000Z', to: REFERENCE_DATE, count })
    .map((d, i) => d.toISOString().replace('Z', `${String(i % 1000).padStart(3, '0')}Z`));
  for (let i = 0; i < count; i++) {
    let clientId: string;
    do clientId = faker.string.hexadecimal({ length: 32, casing: 'lower', prefix: '' });
    while (ids.has(clientId));
    ids.add(clientId);
    const appType = faker.helpers.weightedArrayElement([
      { weight: 5, value: 'web' as const },
      { weight: 3, value: 'spa' as const },
      { weight: 1, value: 'native' as const },
      { weight: 1, value: 'anonymous-embed' as const },
    ]);
    const domain = faker.internet.domainName();
    const createdAt = stamps[i];
    const client: StoredClient = {
      tenantId: owner.tenantId,
      clientId,
      appType,
      clientName: `${faker.company.name()} ${faker.helpers.arrayElement(APP_SUFFIXES)}`.slice(0, 512),
      description: faker.company.catchPhrase(),
      clientUri: `https://${domain}/`,
      redirectUris: [`https://${domain}/oauth/callback`],
      allowedScopes: faker.helpers.arrayElements(SCOPES, { min: 1, max: 3 }),
      connectionConfig: { consentMethod: faker.datatype.boolean() ? 'trusted' : 'required' },
      createdAt,
      updatedAt: createdAt,
      ownerId: owner.userId,
      createdByType: 'user',
      secrets: [],
    };
    if (appType === 'spa') client.allowedOrigins = [`https://${domain}`];
    if (appType === 'web') {
      client.allowedGrantTypes = faker.helpers.arrayElements(['client_credentials', 'urn:qlik:oauth:user-impersonation'] as const, { min: 1, max: 2 });
      client.allowedAuthMethods = ['client_secret'];
      const secret = faker.string.hexadecimal({ length: 64, casing: 'lower', prefix: '' });
      client.secrets = [{ hint: secret.slice(-HINT_LENGTH), hash: sha256Hex(secret), createdAt, createdBy: owner.userId }];
    }
    clients.push(client);
  }
  return clients;
}
