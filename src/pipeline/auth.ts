import type { IdentityRegistry } from '../domain/identities.js';
import type { Identity } from '../domain/types.js';
import { ApiError } from '../http/errors.js';
import type { OperationDescriptor } from '../operations/descriptor.js';

const BEARER = /^bearer[ \t]+([^\s]+)[ \t]*$/i;

/** The token of a well-formed `Authorization: Bearer <token>` header, else undefined. */
export const bearerToken = (header: string | undefined): string | undefined => (header ? BEARER.exec(header)?.[1] : undefined);

/**
 * The caller of an operation that needs a bearer token: any other form is a 401; a caller who
 * is not an admin, on an operation for admins, a 403. Undefined for operations that need none.
 */
export function authenticate(header: string | undefined, identities: IdentityRegistry, operation: Pick<OperationDescriptor, 'access' | 'forbidden'>): Identity | undefined {
  if (operation.access === 'none') return undefined;
  if (!header) throw new ApiError(401, 'The Authorization header is missing; send "Authorization: Bearer <token>".', { 'www-authenticate': 'Bearer' });
  const token = bearerToken(header);
  if (token === undefined) throw new ApiError(401, 'The Authorization header must use the Bearer scheme with a token.', { 'www-authenticate': 'Bearer' });
  const identity = identities.resolve(token);
  if (operation.access === 'admin' && !identity.admin) throw new ApiError(403, operation.forbidden ?? 'Only an admin can do this.');
  return identity;
}
