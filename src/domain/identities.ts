import type { Identity } from './types.js';

export interface IdentityConfig {
  /** Who any bearer token that is not listed acts as: by default the organization's owner. */
  default: Identity;
  /** Named tokens, e.g. a non-admin user, or an admin of a second tenant. */
  tokens: Record<string, Identity>;
}

/** Resolves bearer tokens to identities. Lookup is by own keys only (no prototype surprises). */
export class IdentityRegistry {
  private readonly tokens: Map<string, Identity>;

  constructor(readonly config: IdentityConfig) {
    this.tokens = new Map(Object.entries(config.tokens));
  }

  resolve(token: string): Identity {
    return this.tokens.get(token) ?? this.config.default;
  }
}

/** Only the organization's owner (an admin) manages OAuth clients. */
export const mayManageClients = (identity: Identity): boolean => identity.admin;
