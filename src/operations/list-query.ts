import type { FilterAttribute } from '../query/filter.js';
import { QueryError } from '../query/errors.js';
import { parseSort, type SortKey } from '../query/sort.js';
import type { ListQuery } from '../service/oauth-clients.js';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
const SINGLE_VALUED = ['filter', 'limit', 'next', 'prev', 'sort', 'totalResults'] as const;

/** What a list operation's document allows in `filter` and `sort`. */
export interface ListParameters {
  filterAttributes: readonly FilterAttribute[];
  sortKeys: readonly SortKey[];
}

/** The list operation's query parameters, checked as the document declares them; QueryError on any misuse. */
export function parseListQuery(params: URLSearchParams, allowed: ListParameters): ListQuery {
  const values: Partial<Record<(typeof SINGLE_VALUED)[number], string>> = {};
  for (const name of SINGLE_VALUED) {
    const all = params.getAll(name);
    if (all.length > 1) throw new QueryError(`The query parameter "${name}" may be given only once.`);
    if (all.length === 1) values[name] = all[0];
  }
  if (values.next !== undefined && values.prev !== undefined) {
    throw new QueryError('Use either "next" or "prev", not both.');
  }
  return {
    filter: values.filter,
    filterAttributes: allowed.filterAttributes,
    sort: parseSort(values.sort, allowed.sortKeys),
    limit: parseLimit(values.limit),
    next: values.next,
    prev: values.prev,
    totalResults: parseBoolean('totalResults', values.totalResults),
  };
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIMIT;
  // Decimal digits only: Number() would also take "0x10", "1e1" or "0b11".
  const limit = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new QueryError(`The query parameter "limit" must be a whole number from 1 to ${MAX_LIMIT}; got "${raw.slice(0, 64)}".`);
  }
  return limit;
}

function parseBoolean(name: string, raw: string | undefined): boolean {
  if (raw === undefined) return false;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new QueryError(`The query parameter "${name}" must be true or false; got "${raw.slice(0, 64)}".`);
}
