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
  connectionConfig: { consentMethod: 'required' | 'trusted' };
  createdAt: string;
  updatedAt: string;
  ownerId: string;
  createdByType: 'user' | 'service' | 'dcr';
  secrets: StoredSecret[];
}

/** Who is calling: resolved from the bearer token. */
export interface Identity {
  userId: string;
  tenantId: string;
  /** Only admins (the organization's owner/service account) may manage OAuth clients. */
  admin: boolean;
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
