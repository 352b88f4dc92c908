/** The shapes the domain works with. Stored clients carry their tenant and hashed secrets. */

export const APP_TYPES = ['web', 'native', 'spa', 'anonymous-embed'] as const;
export type AppType = (typeof APP_TYPES)[number];

export type AuthMethod = 'client_secret' | 'private_key_jwt';
export type GrantType = 'client_credentials' | 'urn:qlik:oauth:user-impersonation';

export interface Jwk {
  kty: 'RSA' | 'EC';
  use: 'sig';
  alg: 'RS256' | 'RS512' | 'ES384';
  kid: string;
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

export interface StoredSecret {
  hint: string;
  /** sha256 of the secret, hex. The plaintext is never kept. */
  hash: string;
  createdAt: string;
  createdBy: string;
}

export interface StoredClient {
  tenantId: string;
  clientId: string;
  appType: AppType;
  clientName: string;
  description?: string;
  logoUri?: string;
  clientUri?: string;
  redirectUris?: string[];
  allowedOrigins?: string[];
  allowedScopes?: string[];
  allowedGrantTypes?: GrantType[];
  allowedAuthMethods?: AuthMethod[];
  publicKeys?: Jwk[];
  /** v1 only: where the client's keys are published. */
  jwksUri?: string;
  /** The owning tenant's consent method (other tenants' configs: StoredConnectionConfig). */
  connectionConfig: { consentMethod: ConsentMethod };
  createdAt: string;
  updatedAt: string;
  /** v1: set once the client is published (shared with every tenant of the region). */
  publishedAt?: string;
  ownerId: string;
  createdByType: CreatedByType;
  secrets: StoredSecret[];
}

export type ConsentMethod = 'required' | 'trusted';
export type CreatedByType = 'user' | 'service' | 'dcr';

/**
 * A tenant's connection config for a client, where it is not the implicit one: another
 * tenant's config for a published client, or a marker that a tenant deleted its config.
 * The owning tenant's config is implicit: the client's `connectionConfig`, approved.
 */
export interface StoredConnectionConfig {
  clientId: string;
  tenantId: string;
  consentMethod: ConsentMethod;
  /** `approved` once an admin of the tenant set it. */
  status?: 'approved';
  /** The owning tenant deleted the (published) client; the config stays readable. */
  deletedByOwner?: boolean;
  /** The tenant deleted its config: reads are 404 until it patches it again. */
  deleted?: boolean;
}

/** A connection config as the API shows it. */
export interface ConnectionConfigView {
  consentMethod: ConsentMethod;
  status?: string;
  deletedByOwner?: boolean;
}

/** Who is calling: resolved from the bearer token. */
export interface Identity {
  userId: string;
  tenantId: string;
  /** Only admins (the organization's owner/service account) may manage OAuth clients. */
  admin: boolean;
  /** A service account (a client_credentials token) rather than a person: clients it creates say `createdByType: "service"`. */
  type?: 'user' | 'service';
}

/** The optional settings a client is created with, stored as given. */
export const OPTIONAL_CLIENT_FIELDS = [
  'description',
  'logoUri',
  'clientUri',
  'redirectUris',
  'allowedOrigins',
  'allowedScopes',
  'allowedGrantTypes',
  'allowedAuthMethods',
  'publicKeys',
  'jwksUri',
] as const;

/** The body of a create request after it passed the contract's schema. */
export type CreateInput = Pick<StoredClient, 'appType' | 'clientName' | (typeof OPTIONAL_CLIENT_FIELDS)[number]> & {
  connectionConfig?: { consentMethod?: 'trusted' };
};

export interface PatchOperation {
  op: 'add' | 'remove' | 'replace';
  path: string;
  value?: unknown;
}

/** `[{"op":"replace","path":"/consentMethod","value":...}]`, as the v1 contract's schema allows it. */
export interface ConnectionConfigPatch {
  op: 'replace';
  path: '/consentMethod';
  value: ConsentMethod;
}
