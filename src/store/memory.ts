import type { StoredClient, StoredConnectionConfig } from '../domain/types.js';
import { SortedIndex } from '../query/sorted-index.js';
import { sortKeyValue, type SortKey } from '../query/sort.js';
import { tenantClientKey, type ClientStore, type Snapshot } from './types.js';

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
      index = newIndex(key);
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

const newIndex = (key: SortKey) => new SortedIndex<StoredClient>((c) => sortKeyValue(key, c), (c) => c.clientId);

export class MemoryStore implements ClientStore {
  readonly kind: 'memory' | 'file' = 'memory';
  readonly location: string = 'memory';
  private tenants = new Map<string, TenantTable>();
  /** Published clients by id (an id may be taken in several tenants). */
  private published = new Map<string, StoredClient[]>();
  /** Connection configs by client id, then tenant id. */
  private configs = new Map<string, Map<string, StoredConnectionConfig>>();
  /** Bumped by every change: what a cached view or answer is valid for. */
  private changes = 0;
  private readonly visible = new Map<string, { version: number; index: SortedIndex<StoredClient> }>();
  /** Every tenant's clients by sort key (the control API's list), rebuilt after a change when next read. */
  private readonly everyTenant = new Map<SortKey, { version: number; index: SortedIndex<StoredClient> }>();

  constructor(initial?: Snapshot) {
    if (initial) this.replace(initial);
  }

  get(tenantId: string, clientId: string): StoredClient | undefined {
    return this.tenants.get(tenantId)?.byId.get(clientId);
  }

  getPublished(tenantId: string, clientId: string): StoredClient | undefined {
    return this.published.get(clientId)?.find((c) => c.tenantId !== tenantId);
  }

  index(tenantId: string, key: SortKey): SortedIndex<StoredClient> {
    return (this.tenants.get(tenantId) ?? EMPTY).index(key);
  }

  visibleIndex(tenantId: string, key: SortKey): SortedIndex<StoredClient> {
    const own = this.index(tenantId, key);
    const others: StoredClient[] = [];
    for (const list of this.published.values()) for (const c of list) if (c.tenantId !== tenantId) others.push(c);
    // Nothing published elsewhere (the usual case): the tenant's own index, kept up to date.
    if (others.length === 0) return own;
    const cacheKey = `${tenantId}\u0000${key}`;
    const cached = this.visible.get(cacheKey);
    if (cached && cached.version === this.changes) return cached.index;
    // Two tenants may hold the same id: such a published client stays out of the merged view.
    const index = newIndex(key);
    index.rebuild([...others.filter((c) => !own.has(c.clientId)), ...own]);
    this.visible.set(cacheKey, { version: this.changes, index });
    return index;
  }

  allIndex(key: SortKey): SortedIndex<StoredClient> {
    const cached = this.everyTenant.get(key);
    if (cached && cached.version === this.changes) return cached.index;
    const index = new SortedIndex<StoredClient>((c) => sortKeyValue(key, c), tenantClientKey);
    index.rebuild(this.clients());
    this.everyTenant.set(key, { version: this.changes, index });
    return index;
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
    const previous = table.byId.get(client.clientId);
    table.put(client);
    if (previous?.publishedAt !== undefined || client.publishedAt !== undefined) this.trackPublished(previous, client);
    this.changed();
  }

  delete(tenantId: string, clientId: string): boolean {
    const table = this.tenants.get(tenantId);
    const previous = table?.byId.get(clientId);
    if (!table || !previous) return false;
    table.delete(clientId);
    if (previous.publishedAt !== undefined) this.trackPublished(previous, undefined);
    this.changed();
    return true;
  }

  config(clientId: string, tenantId: string): StoredConnectionConfig | undefined {
    return this.configs.get(clientId)?.get(tenantId);
  }

  configsOf(clientId: string): StoredConnectionConfig[] {
    return [...(this.configs.get(clientId)?.values() ?? [])];
  }

  putConfig(config: StoredConnectionConfig): void {
    let byTenant = this.configs.get(config.clientId);
    if (!byTenant) this.configs.set(config.clientId, (byTenant = new Map()));
    byTenant.set(config.tenantId, config);
    this.changed();
  }

  deleteConfig(clientId: string, tenantId: string): boolean {
    const byTenant = this.configs.get(clientId);
    if (!byTenant?.delete(tenantId)) return false;
    if (byTenant.size === 0) this.configs.delete(clientId);
    this.changed();
    return true;
  }

  snapshot(): Snapshot {
    return copyData(this.snapshotByReference());
  }

  snapshotByReference(): Snapshot {
    const connectionConfigs = this.storedConfigs();
    return connectionConfigs.length > 0 ? { version: 1, clients: this.clients(), connectionConfigs } : { version: 1, clients: this.clients() };
  }

  /** Every stored record, by reference (callers must not mutate them). */
  clients(): StoredClient[] {
    const clients: StoredClient[] = [];
    for (const table of this.tenants.values()) clients.push(...table.byId.values());
    return clients;
  }

  replace(snapshot: Snapshot): void {
    const tenants = new Map<string, TenantTable>();
    this.published = new Map();
    for (const client of snapshot.clients.map(copyData)) {
      let table = tenants.get(client.tenantId);
      if (!table) tenants.set(client.tenantId, (table = new TenantTable()));
      table.put(client);
      if (client.publishedAt !== undefined) this.trackPublished(undefined, client);
    }
    this.tenants = tenants;
    this.configs = new Map();
    for (const config of snapshot.connectionConfigs ?? []) {
      let byTenant = this.configs.get(config.clientId);
      if (!byTenant) this.configs.set(config.clientId, (byTenant = new Map()));
      byTenant.set(config.tenantId, copyData(config));
    }
    this.changed();
  }

  /** Keeps `published` in step with one client's change (either side may be absent). */
  private trackPublished(previous: StoredClient | undefined, next: StoredClient | undefined): void {
    const id = (previous ?? next)!.clientId;
    const tenant = (previous ?? next)!.tenantId;
    const others = (this.published.get(id) ?? []).filter((c) => c.tenantId !== tenant);
    if (next?.publishedAt !== undefined) others.push(next);
    if (others.length > 0) this.published.set(id, others);
    else this.published.delete(id);
  }

  private storedConfigs(): StoredConnectionConfig[] {
    const all: StoredConnectionConfig[] = [];
    for (const byTenant of this.configs.values()) all.push(...byTenant.values());
    return all;
  }

  /** Called after every change; persistent subclasses also mark themselves dirty. */
  protected changed(): void {
    this.changes++;
  }

  get version(): number {
    return this.changes;
  }

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

