/**
 * An ascending ordered index of items by (key, id), compared with plain string
 * `<` (code-unit order) on the key, then on the id. Ids are unique: inserting
 * an id that is already present replaces the old entry.
 *
 * The key of every entry is captured at insertion time, so `remove(id)` works
 * even after the item's fields (and thus its current key) have changed; to
 * update an item, call `remove(id)` then `insert(updated)`.
 *
 * Storage is three parallel arrays (keys, ids, items) plus an id -> key map:
 * binary search touches only the keys/ids arrays, insert/remove are a binary
 * search plus a splice (a memmove), which is cheap at tens of thousands of
 * entries. Items are held by reference, never copied.
 */
export class SortedIndex<T> {
  private keys: string[] = [];
  private ids: string[] = [];
  private items: T[] = [];
  private readonly keyById = new Map<string, string>();

  constructor(
    private readonly keyOf: (item: T) => string,
    private readonly idOf: (item: T) => string,
  ) {}

  get size(): number {
    return this.items.length;
  }

  clear(): void {
    this.keys = [];
    this.ids = [];
    this.items = [];
    this.keyById.clear();
  }

  /** Replace the whole content (O(n log n)); later duplicates of an id win. */
  rebuild(items: Iterable<T>): void {
    const byId = new Map<string, { key: string; id: string; item: T }>();
    for (const item of items) {
      const id = this.idOf(item);
      byId.delete(id);
      byId.set(id, { key: this.keyOf(item), id, item });
    }
    const entries = [...byId.values()].sort((a, b) =>
      a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    );
    this.keys = entries.map((e) => e.key);
    this.ids = entries.map((e) => e.id);
    this.items = entries.map((e) => e.item);
    this.keyById.clear();
    for (const e of entries) this.keyById.set(e.id, e.key);
  }

  /** Insert an item at its (key, id) position; replaces an entry with the same id. */
  insert(item: T): void {
    const id = this.idOf(item);
    const key = this.keyOf(item);
    if (this.keyById.has(id)) this.remove(id);
    const n = this.keys.length;
    // Fast path: appending (e.g. ascending creation time).
    if (n === 0 || this.keys[n - 1] < key || (this.keys[n - 1] === key && this.ids[n - 1] < id)) {
      this.keys.push(key);
      this.ids.push(id);
      this.items.push(item);
    } else {
      const pos = this.lowerBound(key, id);
      this.keys.splice(pos, 0, key);
      this.ids.splice(pos, 0, id);
      this.items.splice(pos, 0, item);
    }
    this.keyById.set(id, key);
  }

  /**
   * Swap in a new object for an entry whose id is already present, keeping
   * its place when its key is unchanged (no re-sort). If the key changed, or
   * the id is absent, this is `remove(id)` + `insert(item)`. Returns true when
   * the entry was updated in place.
   */
  replace(item: T): boolean {
    const id = this.idOf(item);
    const pos = this.position(id);
    if (pos >= 0 && this.keys[pos] === this.keyOf(item)) {
      this.items[pos] = item;
      return true;
    }
    this.insert(item);
    return false;
  }

  /** Remove the entry with this id; false when absent. */
  remove(id: string): boolean {
    const pos = this.position(id);
    if (pos < 0) return false;
    this.keys.splice(pos, 1);
    this.ids.splice(pos, 1);
    this.items.splice(pos, 1);
    this.keyById.delete(id);
    return true;
  }

  has(id: string): boolean {
    return this.keyById.has(id);
  }

  /** The item at ascending position i (undefined when out of range). */
  at(i: number): T | undefined {
    return this.items[i];
  }

  /** The key stored for the entry at position i (as captured at insertion). */
  keyAt(i: number): string | undefined {
    return this.keys[i];
  }

  /** The id of the entry at position i. */
  idAt(i: number): string | undefined {
    return this.ids[i];
  }

  /** The key stored for an id (as captured at insertion), or undefined. */
  keyFor(id: string): string | undefined {
    return this.keyById.get(id);
  }

  /** First position whose (key, id) >= (key, id); size when there is none. */
  lowerBound(key: string, id: string): number {
    const keys = this.keys;
    const ids = this.ids;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid];
      if (k < key || (k === key && ids[mid] < id)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Position of the entry with this id, or -1. */
  position(id: string): number {
    const key = this.keyById.get(id);
    if (key === undefined) return -1;
    const pos = this.lowerBound(key, id);
    return pos < this.ids.length && this.ids[pos] === id ? pos : -1;
  }

  /** Items in ascending order (a copy of the internal array). */
  toArray(): T[] {
    return this.items.slice();
  }

  *[Symbol.iterator](): IterableIterator<T> {
    yield* this.items;
  }
}
