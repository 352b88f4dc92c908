/**
 * A rule of the API was broken. `kind` says which family of answer it deserves;
 * the HTTP layer maps kinds to statuses so the domain stays transport-free.
 */
export type DomainErrorKind = 'invalid' | 'unauthenticated' | 'not-found' | 'conflict' | 'forbidden';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalid = (message: string) => new DomainError('invalid', message);
export const notFound = (message: string) => new DomainError('not-found', message);
export const unauthenticated = (message: string) => new DomainError('unauthenticated', message);
export const forbidden = (message: string) => new DomainError('forbidden', message);
