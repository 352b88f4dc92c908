/**
 * The `sort` query parameter: `+key` or `-key` for one of the sort keys an API allows
 * (core: clientId, clientName, appType, createdAt, updatedAt; v1 adds tenantId), case-sensitive.
 */
import { QueryError, quoteInput } from './errors.js';
import type { Filterable } from './filter.js';

export type SortKey = 'clientId' | 'clientName' | 'appType' | 'tenantId' | 'createdAt' | 'updatedAt';

export interface SortSpec {
  readonly key: SortKey;
  readonly descending: boolean;
  /** Canonical form, e.g. `-createdAt`. */
  readonly text: string;
}

export type Sortable = Filterable & { readonly tenantId: string; readonly createdAt: string; readonly updatedAt?: string };

/** Every sort key this module knows, in the order the documents list them. */
export const SORT_KEYS: readonly SortKey[] = ['clientId', 'clientName', 'appType', 'tenantId', 'createdAt', 'updatedAt'];

/** The valid `sort` values for a list of keys, each mapped to its spec. */
class SortValues {
  readonly specs: ReadonlyMap<string, SortSpec>;
  readonly list: string;

  constructor(keys: readonly SortKey[]) {
    this.specs = new Map(
      keys.flatMap((key): [string, SortSpec][] => [
        [`+${key}`, Object.freeze({ key, descending: false, text: `+${key}` })],
        [`-${key}`, Object.freeze({ key, descending: true, text: `-${key}` })],
      ]),
    );
    this.list = [...this.specs.keys()].join(', ');
  }
}

const valueSets = new WeakMap<readonly SortKey[], SortValues>();
const valuesOf = (keys: readonly SortKey[]): SortValues => {
  let values = valueSets.get(keys);
  if (!values) valueSets.set(keys, (values = new SortValues(keys)));
  return values;
};

/** Every valid `sort` value for these keys, in enum order. */
export const sortValues = (keys: readonly SortKey[] = SORT_KEYS): string[] => [...valuesOf(keys).specs.keys()];

export const DEFAULT_SORT: SortSpec = Object.freeze({ key: 'createdAt', descending: false, text: '+createdAt' });

/**
 * Parse the raw `sort` query value. `undefined` gives DEFAULT_SORT. A single
 * leading space stands for `+` (an unencoded `+` in a query string decodes to a
 * space, so `?sort=+clientName` arrives as ` clientName`).
 */
export function parseSort(raw: string | undefined, keys: readonly SortKey[] = SORT_KEYS): SortSpec {
  if (raw === undefined) return DEFAULT_SORT;
  const values = valuesOf(keys);
  if (typeof raw === 'string') {
    const spec = values.specs.get(raw.length > 1 && raw.charCodeAt(0) === 0x20 ? `+${raw.slice(1)}` : raw);
    if (spec !== undefined) return spec;
  }
  const shown = typeof raw === 'string' ? (raw === '' ? 'an empty value' : quoteInput(raw)) : 'a non-string value';
  throw new QueryError(`Invalid sort: ${shown} is not a valid sort value; valid values are ${values.list}.`, {
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
    case 'tenantId':
      return item.tenantId;
    case 'createdAt':
      return item.createdAt;
    case 'updatedAt':
      return item.updatedAt ?? item.createdAt;
  }
}
