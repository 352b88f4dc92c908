import type { Identity } from '../domain/types.js';
import type { IdentityRegistry } from '../domain/identities.js';
import { mayManageClients } from '../domain/identities.js';
import { ApiError } from './errors.js';

const BEARER = /^bearer[ \t]+([^\s]+)[ \t]*$/i;

/** The token of a well-formed `Authorization: Bearer <token>` header, else undefined. */
export const bearerToken = (header: string | undefined): string | undefined => (header ? BEARER.exec(header)?.[1] : undefined);

/** `Authorization: Bearer <token>` is required; any other form is a 401, a non-admin a 403. */
export function authenticate(header: string | undefined, identities: IdentityRegistry): Identity {
  if (!header) throw new ApiError(401, 'The Authorization header is missing; send "Authorization: Bearer <token>".', { 'www-authenticate': 'Bearer' });
  const token = bearerToken(header);
  if (token === undefined) throw new ApiError(401, 'The Authorization header must use the Bearer scheme with a token.', { 'www-authenticate': 'Bearer' });
  const identity = identities.resolve(token);
  if (!mayManageClients(identity)) {
    throw new ApiError(403, 'Only the organization owner can manage OAuth clients.');
  }
  return identity;
}
