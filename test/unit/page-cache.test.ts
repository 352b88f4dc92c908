import { describe, expect, it } from 'vitest';
import { PageCache } from '../../src/operations/page-cache.js';
import { MemoryStore } from '../../src/store/memory.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('PageCache', () => {
  it('keeps a page while its store is unchanged, per store, and forgets every page when the store changes', () => {
    const cache = new PageCache();
    const store = new MemoryStore({ version: 1, clients: [] });
    const other = new MemoryStore({ version: 1, clients: [] });
    cache.set(store, 'k', bytes('a'));
    expect(cache.get(store, 'k')).toEqual(bytes('a'));
    expect(cache.get(other, 'k')).toBeUndefined();
    store.replace({ version: 1, clients: [] });
    expect(cache.get(store, 'k')).toBeUndefined();
  });

  it('is bounded: the oldest page goes first', () => {
    const cache = new PageCache();
    const store = new MemoryStore();
    for (let i = 0; i < 17; i++) cache.set(store, `k${i}`, bytes(String(i)));
    expect(cache.get(store, 'k0')).toBeUndefined();
    expect(cache.get(store, 'k16')).toEqual(bytes('16'));
  });
});
