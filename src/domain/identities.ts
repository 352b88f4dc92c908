import { unauthenticated } from './errors.js';
import type { Identity } from './types.js';

export interface IdentityConfig {
  /** Who any bearer token that is not listed acts as: by default the organization's owner. */
  default: Identity;
  /** Named tokens, e.g. a non-admin user, or an admin of a second tenant. */
  tokens: Record<string, Identity>;
}

/** How many tokens from the token endpoint are remembered (the oldest are forgotten first). */
const MAX_ISSUED_TOKENS = 10_000;

/** Tokens the mock issued (POST /oauth/token) and who each acts as; shared by every registry of a mock. */
export class IssuedTokens {
  private readonly byToken = new Map<string, Identity>();

  get(token: string): Identity | undefined {
    return this.byToken.get(token);
  }

  add(token: string, identity: Identity): void {
    if (this.byToken.size >= MAX_ISSUED_TOKENS) this.byToken.delete(this.byToken.keys().next().value!);
    this.byToken.set(token, identity);
  }

  clear(): void {
    this.byToken.clear();
  }
}

/**
 * Resolves bearer tokens to identities: a configured token, else one the mock issued, else the
 * default; but a token the mock issued in another session is refused (401). Lookup is by own
 * keys only (no prototype surprises).
 */
export class IdentityRegistry {
  private readonly tokens: Map<string, Identity>;

  constructor(
    readonly config: IdentityConfig,
    private readonly issued?: IssuedTokens,
    private readonly foreign?: (token: string) => boolean,
  ) {
    this.tokens = new Map(Object.entries(config.tokens));
  }

  resolve(token: string): Identity {
    const identity = this.tokens.get(token) ?? this.issued?.get(token);
    if (identity) return identity;
    if (this.foreign?.(token)) throw unauthenticated('The access token was issued by the mock in another session; get one in this session (x-mock-session).');
    return this.config.default;
  }
}
