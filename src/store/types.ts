import type { StoredClient } from '../domain/types.js';
import type { SortedIndex } from '../query/sorted-index.js';
import type { SortKey } from '../query/sort.js';

/** Everything the mock stores, as exported by `GET /__mock/state` and written to a data file. */
export interface Snapshot {
  version: 1;
  clients: StoredClient[];
}

/**
 * One interface, two implementations: in memory, and a lowdb JSON file.
 * Reads are synchronous (memory is always the truth); `flush` resolves once every change
 * made so far is durable, so a write is answered only after it reached its medium.
 */
export interface ClientStore {
  readonly kind: 'memory' | 'file';
  /** Where the data lives, for the startup line: `memory` or the file path. */
  readonly location: string;
  get(tenantId: string, clientId: string): StoredClient | undefined;
  /** The tenant's clients ordered by a sort key (ascending; readers walk it backwards for descending). */
  index(tenantId: string, key: SortKey): SortedIndex<StoredClient>;
  count(tenantId?: string): number;
  /** Insert or replace a client. Stored records are never mutated in place: put a new object. */
  put(client: StoredClient): void;
  delete(tenantId: string, clientId: string): boolean;
  snapshot(): Snapshot;
  /** Every stored record by reference, in a new array: no copy of 10,000 clients to read them (never mutate them). */
  clients(): StoredClient[];
  replace(snapshot: Snapshot): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}
