/**
 * The `sort` query parameter: exactly the OpenAPI enum
 * (+|-)(clientId|clientName|appType|createdAt|updatedAt), case-sensitive.
 */
import { QueryError, quoteInput } from './errors.js';
import type { Filterable } from './filter.js';

export type SortKey = 'clientId' | 'clientName' | 'appType' | 'createdAt' | 'updatedAt';

export interface SortSpec {
  readonly key: SortKey;
  readonly descending: boolean;
  /** Canonical form, e.g. `-createdAt`. */
  readonly text: string;
}

export type Sortable = Filterable & { readonly createdAt: string; readonly updatedAt?: string };

export const SORT_KEYS: readonly SortKey[] = ['clientId', 'clientName', 'appType', 'createdAt', 'updatedAt'];

const SPECS: ReadonlyMap<string, SortSpec> = new Map(
  SORT_KEYS.flatMap((key): [string, SortSpec][] => [
    [`+${key}`, Object.freeze({ key, descending: false, text: `+${key}` })],
    [`-${key}`, Object.freeze({ key, descending: true, text: `-${key}` })],
  ]),
);

/** Every valid `sort` value, in enum order. */
export const SORT_VALUES: readonly string[] = [...SPECS.keys()];

export const DEFAULT_SORT: SortSpec = SPECS.get('+createdAt')!;

/**
 * Parse the raw `sort` query value. `undefined` gives DEFAULT_SORT. A single
 * leading space stands for `+` (an unencoded `+` in a query string decodes to a
 * space, so `?sort=+clientName` arrives as ` clientName`).
 */
export function parseSort(raw: string | undefined): SortSpec {
  if (raw === undefined) return DEFAULT_SORT;
  if (typeof raw === 'string') {
    const spec = SPECS.get(raw.length > 1 && raw.charCodeAt(0) === 0x20 ? `+${raw.slice(1)}` : raw);
    if (spec !== undefined) return spec;
  }
  const shown = typeof raw === 'string' ? (raw === '' ? 'an empty value' : quoteInput(raw)) : 'a non-string value';
  throw new QueryError(`Invalid sort: ${shown} is not a valid sort value; valid values are ${SORT_VALUES.join(', ')}.`, {
    parameter: 'sort',
  });
}

/**
 * The string the sorted index orders by for `key` (plain code-unit order):
 * clientName is lowercased (case-insensitive order), updatedAt falls back to
 * createdAt for never-updated items, the others are the raw value.
 */
export function sortKeyValue(key: SortKey, item: Sortable): string {
  switch (key) {
    case 'clientId':
      return item.clientId;
    case 'clientName':
      return item.clientName.toLowerCase();
    case 'appType':
      return item.appType;
    case 'createdAt':
      return item.createdAt;
    case 'updatedAt':
      return item.updatedAt ?? item.createdAt;
  }
}
