import type { Entropy } from '../domain/ids.js';
import { issuedTokenSession, issueToken, parseTokenRequest, type IssuedToken } from '../domain/tokens.js';
import type { ClientStore } from '../store/types.js';

/** The token endpoint's operation: finds the client in the store and applies the domain's rules. */
export class TokenService {
  private readonly usedAssertions = new Map<string, number>();

  constructor(
    private readonly store: ClientStore,
    private readonly entropy: Entropy,
    /** Signs the tokens of every session of the mock, so each can tell another's. */
    private readonly signingKey: string,
    /** The session these tokens belong to ('' for the default one). */
    private readonly session = '',
  ) {}

  /** A token this mock issued in another session: refused there (401), not taken for the default identity. */
  isForeign(token: string): boolean {
    const session = issuedTokenSession(token, this.signingKey);
    return session !== null && session !== this.session;
  }

  /** `fields`: the request's JSON object or form; `audience`: the endpoint's URL as the caller reached it. Async: jose verifies assertions with WebCrypto. */
  async issue(fields: Record<string, unknown>, basic: { clientId: string; clientSecret: string } | undefined, audience: string): Promise<IssuedToken> {
    const request = parseTokenRequest(fields, basic);
    // Not the hot path (once per consumer process, typically): a scan of every tenant's clients.
    const client = this.store.clients().find((c) => c.clientId === request.clientId);
    return issueToken(client, request, { entropy: this.entropy, audience, signingKey: this.signingKey, session: this.session || undefined, usedAssertions: this.usedAssertions });
  }
}
