/**
 * The single error type thrown by the query module (filter, sort, cursors,
 * paging). Its `message` is a complete, human-readable sentence suitable for
 * the `detail` of a 400 response.
 */

/** The query parameter an error refers to, when known. */
export type QueryParameter = 'filter' | 'sort' | 'next' | 'prev' | 'limit';

export interface QueryErrorOptions {
  /** The query parameter at fault (lets the HTTP layer fill `source.parameter`). */
  readonly parameter?: QueryParameter;
  /** 0-based character offset in the offending parameter value, when meaningful. */
  readonly position?: number;
}

export class QueryError extends Error {
  override readonly name = 'QueryError';
  readonly parameter: QueryParameter | undefined;
  readonly position: number | undefined;

  constructor(message: string, options: QueryErrorOptions = {}) {
    super(message);
    this.parameter = options.parameter;
    this.position = options.position;
  }
}

/**
 * Quote a piece of user input for inclusion in an error message: JSON-quoted
 * (so control characters and quotes are escaped) and truncated.
 */
export function quoteInput(text: string, max = 40): string {
  const clipped = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(clipped);
}
