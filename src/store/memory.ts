import type { StoredClient } from '../domain/types.js';
import { SortedIndex } from '../query/sorted-index.js';
import { sortKeyValue, type SortKey } from '../query/sort.js';
import type { ClientStore, Snapshot } from './types.js';

/**
 * One tenant's clients by id, plus an ordered index per sort key so lists never sort per request.
 * An index is built the first time a list sorts by its key, then kept up to date: writes pay
 * only for the sorts consumers use (by default just createdAt, where a new client is appended).
 */
class TenantTable {
  readonly byId = new Map<string, StoredClient>();
  private readonly indexes = new Map<SortKey, SortedIndex<StoredClient>>();

  index(key: SortKey): SortedIndex<StoredClient> {
    let index = this.indexes.get(key);
    if (!index) {
      index = new SortedIndex<StoredClient>((c) => sortKeyValue(key, c), (c) => c.clientId);
      index.rebuild(this.byId.values());
      this.indexes.set(key, index);
    }
    return index;
  }

  put(client: StoredClient): void {
    const previous = this.byId.get(client.clientId);
    this.byId.set(client.clientId, client);
    for (const [key, index] of this.indexes) {
      if (previous) {
        // An unchanged key keeps its place: swap the reference instead of re-sorting.
        if (sortKeyValue(key, previous) === sortKeyValue(key, client)) {
          index.replace(client);
          continue;
        }
        index.remove(client.clientId);
      }
      index.insert(client);
    }
  }

  delete(clientId: string): boolean {
    if (!this.byId.delete(clientId)) return false;
    for (const index of this.indexes.values()) index.remove(clientId);
    return true;
  }
}

const EMPTY = new TenantTable();

export class MemoryStore implements ClientStore {
  readonly kind: 'memory' | 'file' = 'memory';
  readonly location: string = 'memory';
  private tenants = new Map<string, TenantTable>();

  constructor(initial?: Snapshot) {
    if (initial) this.replace(initial);
  }

  get(tenantId: string, clientId: string): StoredClient | undefined {
    return this.tenants.get(tenantId)?.byId.get(clientId);
  }

  index(tenantId: string, key: SortKey): SortedIndex<StoredClient> {
    return (this.tenants.get(tenantId) ?? EMPTY).index(key);
  }

  count(tenantId?: string): number {
    if (tenantId !== undefined) return this.tenants.get(tenantId)?.byId.size ?? 0;
    let total = 0;
    for (const table of this.tenants.values()) total += table.byId.size;
    return total;
  }

  put(client: StoredClient): void {
    let table = this.tenants.get(client.tenantId);
    if (!table) this.tenants.set(client.tenantId, (table = new TenantTable()));
    table.put(client);
    this.changed();
  }

  delete(tenantId: string, clientId: string): boolean {
    const deleted = this.tenants.get(tenantId)?.delete(clientId) ?? false;
    if (deleted) this.changed();
    return deleted;
  }

  snapshot(): Snapshot {
    return { version: 1, clients: structuredClone(this.clients()) };
  }

  /** Every stored record, by reference (callers must not mutate them). */
  clients(): StoredClient[] {
    const clients: StoredClient[] = [];
    for (const table of this.tenants.values()) clients.push(...table.byId.values());
    return clients;
  }

  replace(snapshot: Snapshot): void {
    const tenants = new Map<string, TenantTable>();
    for (const client of snapshot.clients.map(copyData)) {
      let table = tenants.get(client.tenantId);
      if (!table) tenants.set(client.tenantId, (table = new TenantTable()));
      table.put(client);
    }
    this.tenants = tenants;
    this.changed();
  }

  /** Hook for persistent subclasses: called after every change. */
  protected changed(): void {}

  flush(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * A deep copy of plain data (objects, arrays, strings, numbers, booleans, null), as
 * structuredClone makes of it, but on the JS heap: structuredClone's serialization buffer for
 * 10,000 clients stayed resident (~10 MB) after it was freed. Records come validated (or from
 * our own code): plain, acyclic and at most a few levels deep.
 */
function copyData<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyData) as T;
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const item = copyData((value as Record<string, unknown>)[key]);
      if (key === '__proto__') Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
      else copy[key] = item;
    }
    return copy as T;
  }
  return value;
}

