import { onFirstUse } from '../contract/ajv.js';
import { APP_TYPES } from '../domain/types.js';
import { describeSchemaError } from '../contract/validators.js';
import type { Snapshot } from './types.js';
import { isDotSegment } from '../domain/ids.js';

const timestamp = { type: 'string', format: 'date-time' };
const strings = (maxLength: number) => ({ type: 'array', items: { type: 'string', maxLength } });

/**
 * What a stored client must look like, for data that comes from outside the API
 * (a data file, `PUT /__mock/state`, a scenario). Closed objects: unknown keys,
 * including `__proto__` and `constructor`, are refused.
 */
const storedClientSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['tenantId', 'clientId', 'appType', 'clientName', 'connectionConfig', 'createdAt', 'updatedAt', 'ownerId', 'secrets'],
  properties: {
    tenantId: { type: 'string', minLength: 1, maxLength: 256 },
    clientId: { type: 'string', minLength: 1, maxLength: 512 },
    appType: { enum: APP_TYPES },
    clientName: { type: 'string', minLength: 1, maxLength: 512 },
    description: { type: 'string', maxLength: 4096 },
    logoUri: { type: 'string', maxLength: 2048 },
    clientUri: { type: 'string', maxLength: 2048 },
    redirectUris: { ...strings(256), maxItems: 5 },
    allowedOrigins: { ...strings(256), maxItems: 5 },
    allowedScopes: strings(256),
    allowedGrantTypes: { type: 'array', items: { enum: ['client_credentials', 'urn:qlik:oauth:user-impersonation'] } },
    allowedAuthMethods: { type: 'array', items: { enum: ['client_secret', 'private_key_jwt'] } },
    publicKeys: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['kty', 'use', 'alg', 'kid'],
        properties: {
          kty: { enum: ['RSA', 'EC'] },
          use: { enum: ['sig'] },
          alg: { enum: ['RS256', 'RS512', 'ES384'] },
          kid: { type: 'string' },
          n: { type: 'string' },
          e: { type: 'string' },
          crv: { type: 'string' },
          x: { type: 'string' },
          y: { type: 'string' },
        },
      },
    },
    connectionConfig: {
      type: 'object',
      additionalProperties: false,
      required: ['consentMethod'],
      properties: { consentMethod: { enum: ['required', 'trusted'] } },
    },
    jwksUri: { type: 'string', maxLength: 2048 },
    createdAt: timestamp,
    updatedAt: timestamp,
    publishedAt: timestamp,
    ownerId: { type: 'string', minLength: 1 },
    createdByType: { enum: ['user', 'service', 'dcr'] },
    secrets: {
      type: 'array',
      maxItems: 5,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['hint', 'hash', 'createdAt', 'createdBy'],
        properties: {
          hint: { type: 'string', minLength: 1, maxLength: 5 },
          hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          createdAt: timestamp,
          createdBy: { type: 'string' },
        },
      },
    },
  },
} as const;

/** A tenant's connection config for a client, where it is not the owning tenant's implicit one. */
const storedConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['clientId', 'tenantId', 'consentMethod'],
  properties: {
    clientId: { type: 'string', minLength: 1, maxLength: 512 },
    tenantId: { type: 'string', minLength: 1, maxLength: 256 },
    consentMethod: { enum: ['required', 'trusted'] },
    status: { enum: ['approved'] },
    deletedByOwner: { type: 'boolean' },
    deleted: { type: 'boolean' },
  },
} as const;

/** The shape of stored data (exported for the test that checks every run-time schema). */
export const snapshotSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['version', 'clients'],
  properties: {
    version: { const: 1 },
    clients: { type: 'array', items: storedClientSchema },
    connectionConfigs: { type: 'array', items: storedConfigSchema },
  },
} as const;

const snapshotValidator = onFirstUse(snapshotSchema);

/** Checks data from outside; throws an Error naming the first bad field. */
export function parseSnapshot(data: unknown): Snapshot {
  const validateSnapshot = snapshotValidator();
  if (!validateSnapshot(data)) throw new Error(describeSchemaError(validateSnapshot.errors, 'state'));
  const snapshot = data as unknown as Snapshot;
  // By id alone: a client id names one client across tenants, as in Qlik Cloud (the token endpoint finds a client by it).
  const tenantOf = new Map<string, string>();
  snapshot.clients.forEach((client, i) => {
    if (isDotSegment(client.clientId)) throw new Error(`state.clients[${i}].clientId cannot be "${client.clientId}": .../oauth-clients/${client.clientId} is resolved away by URL parsing, so the client could not be read.`);
    const other = tenantOf.get(client.clientId);
    if (other !== undefined) throw new Error(`state.clients[${i}].clientId "${client.clientId}" appears twice, in tenant "${other}" and in tenant "${client.tenantId}"; a client id is unique across tenants.`);
    tenantOf.set(client.clientId, client.tenantId);
    const hints = client.secrets.map((s) => s.hint);
    if (new Set(hints).size !== hints.length) throw new Error(`state.clients[${i}].secrets has two secrets with the same hint.`);
  });
  const configs = new Set<string>();
  snapshot.connectionConfigs?.forEach((config, i) => {
    const key = `${config.tenantId}\u0000${config.clientId}`;
    if (configs.has(key)) throw new Error(`state.connectionConfigs[${i}] is a second config of tenant "${config.tenantId}" for client "${config.clientId}".`);
    configs.add(key);
  });
  return snapshot;
}
