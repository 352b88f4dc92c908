import type { StoredClient, StoredConnectionConfig } from '../domain/types.js';
import type { SortedIndex } from '../query/sorted-index.js';
import type { SortKey } from '../query/sort.js';

/** Everything the mock stores, as exported by `GET /__mock/state` and written to a data file. */
export interface Snapshot {
  version: 1;
  clients: StoredClient[];
  /** Connection configs that are not the owning tenant's implicit one (absent when there are none). */
  connectionConfigs?: StoredConnectionConfig[];
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
  /** Bumped by every change of the data: a reader that saw the same version saw the same data (a cached answer is valid). */
  readonly version: number;
  get(tenantId: string, clientId: string): StoredClient | undefined;
  /** A published client of another tenant than `tenantId`, by id. */
  getPublished(tenantId: string, clientId: string): StoredClient | undefined;
  /** The tenant's clients ordered by a sort key (ascending; readers walk it backwards for descending). */
  index(tenantId: string, key: SortKey): SortedIndex<StoredClient>;
  /** As `index`, plus the clients other tenants published. */
  visibleIndex(tenantId: string, key: SortKey): SortedIndex<StoredClient>;
  /** Every tenant's clients ordered by a sort key, each by `tenantClientKey` (an id may be taken in several tenants). */
  allIndex(key: SortKey): SortedIndex<StoredClient>;
  count(tenantId?: string): number;
  /** Insert or replace a client. Stored records are never mutated in place: put a new object. */
  put(client: StoredClient): void;
  delete(tenantId: string, clientId: string): boolean;
  /** A tenant's stored connection config for a client (not the implicit one of the owning tenant). */
  config(clientId: string, tenantId: string): StoredConnectionConfig | undefined;
  /** Every stored config for a client, any tenant. */
  configsOf(clientId: string): StoredConnectionConfig[];
  putConfig(config: StoredConnectionConfig): void;
  deleteConfig(clientId: string, tenantId: string): boolean;
  /** A deep copy of everything stored. */
  snapshot(): Snapshot;
  /** Everything stored, by reference (never mutate it): what a reset goes back to. */
  snapshotByReference(): Snapshot;
  /** Every stored record by reference, in a new array: no copy of 10,000 clients to read them (never mutate them). */
  clients(): StoredClient[];
  replace(snapshot: Snapshot): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** A client's id within its tenant, unique across tenants; ordered by client id first, as the API breaks ties. */
export const tenantClientKey = (client: StoredClient): string => `${client.clientId}\u0000${client.tenantId}`;
