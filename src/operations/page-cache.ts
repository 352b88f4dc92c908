import type { ClientStore } from '../store/types.js';

/** How many list answers a store keeps; the oldest goes first. */
const PAGES = 16;

/**
 * List answers as bytes, by everything they depend on, for as long as the store is unchanged:
 * frontends and benchmarks ask for the same pages again and again, and building one (paging,
 * links, twenty records joined, the text encoded) was most of a list request's CPU. Any change
 * to the store (a write, a reset, a scenario) changes its version and empties the cache.
 */
export class PageCache {
  private readonly byStore = new WeakMap<ClientStore, { version: number; pages: Map<string, Uint8Array<ArrayBuffer>> }>();

  get(store: ClientStore, key: string): Uint8Array<ArrayBuffer> | undefined {
    const entry = this.byStore.get(store);
    return entry && entry.version === store.version ? entry.pages.get(key) : undefined;
  }

  set(store: ClientStore, key: string, page: Uint8Array<ArrayBuffer>): void {
    let entry = this.byStore.get(store);
    if (!entry || entry.version !== store.version) this.byStore.set(store, (entry = { version: store.version, pages: new Map() }));
    if (entry.pages.size >= PAGES) entry.pages.delete(entry.pages.keys().next().value!);
    entry.pages.set(key, page);
  }
}
