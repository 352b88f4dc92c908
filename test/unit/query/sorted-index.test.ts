import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { SortedIndex } from '../../../src/query/sorted-index.js';

interface Item {
  id: string;
  key: string;
}

const newIndex = () => new SortedIndex<Item>((x) => x.key, (x) => x.id);
const cmp = (a: Item, b: Item) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function contents(index: SortedIndex<Item>): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < index.size; i++) out.push([index.keyAt(i)!, index.idAt(i)!]);
  return out;
}

describe('SortedIndex', () => {
  it('keeps items in (key, id) order and exposes them by position', () => {
    const index = newIndex();
    const items = [
      { id: '3', key: 'b' }, { id: '1', key: 'b' }, { id: '2', key: 'a' }, { id: '0', key: 'c' }, { id: '9', key: 'B' },
    ];
    for (const x of items) index.insert(x);
    expect(index.size).toBe(5);
    expect(contents(index)).toEqual([['B', '9'], ['a', '2'], ['b', '1'], ['b', '3'], ['c', '0']]);
    expect(index.at(0)).toBe(items[4]); // by reference
    expect(index.at(5)).toBeUndefined();
    expect(index.at(-1)).toBeUndefined();
    expect(index.toArray()).toEqual([...index]);
    expect([...index].map((x) => x.id)).toEqual(['9', '2', '1', '3', '0']);
  });

  it('lowerBound finds the first position >= (key, id)', () => {
    const index = newIndex();
    for (const [key, id] of [['a', '5'], ['b', '1'], ['b', '3'], ['d', '0']]) index.insert({ id, key });
    expect(contents(index)).toEqual([['a', '5'], ['b', '1'], ['b', '3'], ['d', '0']]);
    expect(index.lowerBound('', '')).toBe(0);
    expect(index.lowerBound('a', '5')).toBe(0);
    expect(index.lowerBound('a', '6')).toBe(1);
    expect(index.lowerBound('b', '0')).toBe(1);
    expect(index.lowerBound('b', '1')).toBe(1);
    expect(index.lowerBound('b', '2')).toBe(2);
    expect(index.lowerBound('b', '3')).toBe(2);
    expect(index.lowerBound('b', '4')).toBe(3);
    expect(index.lowerBound('c', '')).toBe(3);
    expect(index.lowerBound('d', '0')).toBe(3);
    expect(index.lowerBound('d', '00')).toBe(4);
    expect(index.lowerBound('z', '')).toBe(4);
    expect(newIndex().lowerBound('a', 'b')).toBe(0);
  });

  it('position finds an id, -1 when absent', () => {
    const index = newIndex();
    index.insert({ id: 'x', key: 'k2' });
    index.insert({ id: 'y', key: 'k1' });
    expect(index.position('x')).toBe(1);
    expect(index.position('y')).toBe(0);
    expect(index.position('z')).toBe(-1);
    expect(index.has('x')).toBe(true);
    expect(index.has('z')).toBe(false);
    expect(index.keyFor('x')).toBe('k2');
  });

  it('removes by the key captured at insertion even after the item changed', () => {
    const index = newIndex();
    const a = { id: 'a', key: 'm' };
    index.insert(a);
    index.insert({ id: 'b', key: 'n' });
    a.key = 'zzz'; // mutated in place by a caller
    expect(index.remove('a')).toBe(true);
    expect(index.remove('a')).toBe(false);
    expect(index.remove('nope')).toBe(false);
    expect(contents(index)).toEqual([['n', 'b']]);
    index.insert(a);
    expect(contents(index)).toEqual([['n', 'b'], ['zzz', 'a']]);
  });

  it('inserting an existing id replaces the old entry', () => {
    const index = newIndex();
    index.insert({ id: 'a', key: '1' });
    index.insert({ id: 'b', key: '2' });
    const updated = { id: 'a', key: '3' };
    index.insert(updated);
    expect(index.size).toBe(2);
    expect(contents(index)).toEqual([['2', 'b'], ['3', 'a']]);
    expect(index.at(1)).toBe(updated);
  });

  it('replace swaps the reference in place when the key is unchanged, re-sorts otherwise', () => {
    const index = newIndex();
    index.insert({ id: 'a', key: '1' });
    index.insert({ id: 'b', key: '2' });
    const same = { id: 'a', key: '1' };
    expect(index.replace(same)).toBe(true);
    expect(index.at(0)).toBe(same);
    const moved = { id: 'a', key: '3' };
    expect(index.replace(moved)).toBe(false);
    expect(contents(index)).toEqual([['2', 'b'], ['3', 'a']]);
    expect(index.at(1)).toBe(moved);
    const fresh = { id: 'c', key: '0' };
    expect(index.replace(fresh)).toBe(false);
    expect(contents(index)).toEqual([['0', 'c'], ['2', 'b'], ['3', 'a']]);
  });

  it('clear and rebuild', () => {
    const index = newIndex();
    index.insert({ id: 'a', key: '1' });
    index.clear();
    expect(index.size).toBe(0);
    expect(index.position('a')).toBe(-1);
    index.rebuild([{ id: 'b', key: '2' }, { id: 'a', key: '9' }, { id: 'c', key: '2' }, { id: 'a', key: '1' }]);
    expect(contents(index)).toEqual([['1', 'a'], ['2', 'b'], ['2', 'c']]);
    expect(index.position('c')).toBe(2);
    expect(index.remove('b')).toBe(true);
    expect(contents(index)).toEqual([['1', 'a'], ['2', 'c']]);
  });

  it('matches a reference model under random insert/remove/update (property)', () => {
    const op = fc.oneof(
      fc.record({ t: fc.constant('insert' as const), id: fc.integer({ min: 0, max: 30 }), key: fc.string({ maxLength: 2 }) }),
      fc.record({ t: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ t: fc.constant('mutate' as const), id: fc.integer({ min: 0, max: 30 }), key: fc.string({ maxLength: 2 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const index = newIndex();
        const model = new Map<string, Item>(); // id -> item as inserted (snapshot)
        const live = new Map<string, Item>(); // id -> object held by the index
        for (const o of ops) {
          const id = String(o.id);
          if (o.t === 'insert') {
            const x = { id, key: o.key };
            index.insert(x);
            model.set(id, { ...x });
            live.set(id, x);
          } else if (o.t === 'remove') {
            expect(index.remove(id)).toBe(model.delete(id));
            live.delete(id);
          } else {
            // mutate the held object without telling the index, then update properly
            const x = live.get(id);
            if (x) {
              x.key = o.key;
              index.remove(id);
              index.insert(x);
              model.set(id, { ...x });
            }
          }
          const expected = [...model.values()].sort(cmp).map((x) => [x.key, x.id]);
          expect(contents(index)).toEqual(expected);
        }
        for (const [id, x] of model) {
          const pos = index.position(id);
          expect(index.idAt(pos)).toBe(id);
          expect(index.lowerBound(x.key, id)).toBe(pos);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('handles 10,000 items quickly', () => {
    const index = newIndex();
    const t0 = performance.now();
    for (let i = 0; i < 10_000; i++) index.insert({ id: `id${i}`, key: String((i * 7919) % 10_007).padStart(5, '0') });
    for (let i = 0; i < 10_000; i += 2) expect(index.remove(`id${i}`)).toBe(true);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(index.size).toBe(5_000);
    for (let i = 1; i < index.size; i++) expect(index.keyAt(i - 1)! <= index.keyAt(i)!).toBe(true);
  });
});
