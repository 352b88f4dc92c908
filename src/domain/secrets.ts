import { DomainError, invalid, notFound } from './errors.js';
import { sha256Hex, type Entropy } from './ids.js';
import type { Identity, StoredClient, StoredSecret } from './types.js';

export const MAX_SECRETS = 5;
/** Chosen (docs/FACTS.md): a secret is 64 lowercase hex characters; its hint is its last 5 (real hints are 5 characters). */
const SECRET_BYTES = 32;
export const HINT_LENGTH = 5;

/** Secrets exist only for web clients that authenticate with `client_secret`. */
export const canHaveSecrets = (client: StoredClient): boolean =>
  client.appType === 'web' && (client.allowedAuthMethods ?? []).includes('client_secret');

export interface IssuedSecret {
  /** Shown to the caller once, never stored. */
  plaintext: string;
  record: StoredSecret;
}

/**
 * A new secret for a client, with a hint no other secret of the client has
 * (a colliding secret is drawn again).
 */
export function issueSecret(client: StoredClient, ctx: { entropy: Entropy; now: string; by: Identity }): IssuedSecret {
  if (!canHaveSecrets(client)) {
    throw invalid('Client secrets are only available for web clients whose allowedAuthMethods include "client_secret".');
  }
  if (client.secrets.length >= MAX_SECRETS) {
    throw new DomainError('conflict', `The max number of client secrets is ${MAX_SECRETS}.`);
  }
  const taken = new Set(client.secrets.map((s) => s.hint));
  let plaintext: string;
  do plaintext = ctx.entropy.hex(SECRET_BYTES);
  while (taken.has(plaintext.slice(-HINT_LENGTH)));
  return {
    plaintext,
    record: { hint: plaintext.slice(-HINT_LENGTH), hash: sha256Hex(plaintext), createdAt: ctx.now, createdBy: ctx.by.userId },
  };
}

export function withoutSecret(client: StoredClient, hint: string): StoredClient {
  const secrets = client.secrets.filter((s) => s.hint !== hint);
  if (secrets.length === client.secrets.length) throw notFound(`The client has no secret with hint "${hint}".`);
  return { ...client, secrets };
}
