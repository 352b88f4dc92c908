import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import type { CursorPosition } from '../../../src/query/cursor.js';
import { QueryError } from '../../../src/query/errors.js';
import { paginate, type Page, type PageRequest } from '../../../src/query/page.js';
import { SortedIndex } from '../../../src/query/sorted-index.js';
import { queryError } from '../../support/query-error.js';

interface Item {
  readonly id: string;
  readonly key: string;
  readonly tag: boolean;
}

const newIndex = (items: Iterable<Item> = []) => {
  const index = new SortedIndex<Item>((x) => x.key, (x) => x.id);
  for (const x of items) index.insert(x);
  return index;
};
const pos = (x: Item): CursorPosition => ({ key: x.key, id: x.id });
const cmpPos = (a: CursorPosition, b: CursorPosition) =>
  a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
const all = () => true;
const ids = (items: readonly Item[]) => items.map((x) => x.id);

/** Naive reference: the matching items of the view, in view order. */
function view(items: Iterable<Item>, descending: boolean, match: (x: Item) => boolean): Item[] {
  const sorted = [...items].filter(match).sort((a, b) => cmpPos(a, b));
  return descending ? sorted.reverse() : sorted;
}
/** Strictly after `a` in view order. */
const isAfter = (x: CursorPosition, a: CursorPosition, descending: boolean) => (descending ? cmpPos(x, a) < 0 : cmpPos(x, a) > 0);
const isBefore = (x: CursorPosition, a: CursorPosition, descending: boolean) => (descending ? cmpPos(x, a) > 0 : cmpPos(x, a) < 0);

function pageOf(req: Partial<PageRequest<Item>> & { index: SortedIndex<Item> }): Page<Item> {
  return paginate({ descending: false, match: all, limit: 3, countTotal: false, ...req });
}

// Ten items k0..k9 with ids i0..i9; even ones tagged.
const TEN: Item[] = Array.from({ length: 10 }, (_, i) => ({ id: `i${i}`, key: `k${i}`, tag: i % 2 === 0 }));

describe('paginate: examples', () => {
  it('pages forward in ascending order with correct flags and anchors', () => {
    const index = newIndex([...TEN].reverse());
    const p1 = pageOf({ index });
    expect(ids(p1.items)).toEqual(['i0', 'i1', 'i2']);
    expect([p1.hasPrev, p1.hasNext]).toEqual([false, true]);
    expect(p1.first).toBe(p1.items[0]);
    expect(p1.last).toBe(p1.items[2]);
    expect(p1.prevAnchor).toEqual({ key: 'k0', id: 'i0' });
    expect(p1.nextAnchor).toEqual({ key: 'k2', id: 'i2' });
    expect(p1.total).toBeUndefined();
    const p2 = pageOf({ index, after: p1.nextAnchor });
    expect(ids(p2.items)).toEqual(['i3', 'i4', 'i5']);
    expect([p2.hasPrev, p2.hasNext]).toEqual([true, true]);
    const p4 = pageOf({ index, after: { key: 'k8', id: 'i8' } });
    expect(ids(p4.items)).toEqual(['i9']);
    expect([p4.hasPrev, p4.hasNext]).toEqual([true, false]);
    const exact = pageOf({ index, after: { key: 'k5', id: 'i5' }, limit: 4 });
    expect(ids(exact.items)).toEqual(['i6', 'i7', 'i8', 'i9']);
    expect(exact.hasNext).toBe(false);
  });

  it('pages in descending order', () => {
    const index = newIndex(TEN);
    const p1 = pageOf({ index, descending: true });
    expect(ids(p1.items)).toEqual(['i9', 'i8', 'i7']);
    expect([p1.hasPrev, p1.hasNext]).toEqual([false, true]);
    const p2 = pageOf({ index, descending: true, after: p1.nextAnchor });
    expect(ids(p2.items)).toEqual(['i6', 'i5', 'i4']);
    const back = pageOf({ index, descending: true, before: p2.prevAnchor });
    expect(ids(back.items)).toEqual(['i9', 'i8', 'i7']);
    expect([back.hasPrev, back.hasNext]).toEqual([false, true]);
  });

  it('pages backward with before anchors, returning items in view order', () => {
    const index = newIndex(TEN);
    const p = pageOf({ index, before: { key: 'k7', id: 'i7' } });
    expect(ids(p.items)).toEqual(['i4', 'i5', 'i6']);
    expect([p.hasPrev, p.hasNext]).toEqual([true, true]);
    const first = pageOf({ index, before: { key: 'k3', id: 'i3' } });
    expect(ids(first.items)).toEqual(['i0', 'i1', 'i2']);
    expect([first.hasPrev, first.hasNext]).toEqual([false, true]);
    const partial = pageOf({ index, before: { key: 'k2', id: 'i2' } });
    expect(ids(partial.items)).toEqual(['i0', 'i1']);
    expect([partial.hasPrev, partial.hasNext]).toEqual([false, true]);
  });

  it('applies the filter and counts the total on request', () => {
    const index = newIndex(TEN);
    const match = (x: Item) => x.tag;
    const p1 = pageOf({ index, match, limit: 2, countTotal: true });
    expect(ids(p1.items)).toEqual(['i0', 'i2']);
    expect(p1.total).toBe(5);
    expect(p1.hasNext).toBe(true);
    const p3 = pageOf({ index, match, limit: 2, after: { key: 'k5', id: 'i5' } });
    expect(ids(p3.items)).toEqual(['i6', 'i8']);
    expect([p3.hasPrev, p3.hasNext]).toEqual([true, false]);
    const none = pageOf({ index, match: () => false, countTotal: true });
    expect(none.items).toEqual([]);
    expect([none.hasPrev, none.hasNext, none.total]).toEqual([false, false, 0]);
    expect(none.prevAnchor).toBeUndefined();
    expect(none.nextAnchor).toBeUndefined();
    expect(none.first).toBeUndefined();
  });

  it('positions by the anchor even when the anchor item was deleted', () => {
    const index = newIndex(TEN);
    index.remove('i2');
    index.remove('i3');
    const p = pageOf({ index, after: { key: 'k2', id: 'i2' } });
    expect(ids(p.items)).toEqual(['i4', 'i5', 'i6']);
    expect(p.hasPrev).toBe(true);
    const b = pageOf({ index, before: { key: 'k3', id: 'i3' } });
    expect(ids(b.items)).toEqual(['i0', 'i1']);
    expect(b.hasNext).toBe(true);
    const between = pageOf({ index, after: { key: 'k4', id: 'a' } }); // sorts before i4 within k4
    expect(ids(between.items)).toEqual(['i4', 'i5', 'i6']);
  });

  it('empty pages report flags relative to the incoming anchor', () => {
    const index = newIndex(TEN);
    const end = pageOf({ index, after: { key: 'k9', id: 'i9' } });
    expect(end.items).toEqual([]);
    expect([end.hasPrev, end.hasNext]).toEqual([true, false]);
    expect(end.prevAnchor).toEqual({ key: 'k9', id: 'i9' });
    expect(end.nextAnchor).toEqual({ key: 'k9', id: 'i9' });
    const start = pageOf({ index, before: { key: 'k0', id: 'i0' } });
    expect(start.items).toEqual([]);
    expect([start.hasPrev, start.hasNext]).toEqual([false, true]);
    // Only the anchor itself matches: nothing strictly before/after it.
    const only = (x: Item) => x.id === 'i9';
    const e2 = pageOf({ index, match: only, after: { key: 'k9', id: 'i9' } });
    expect([e2.items.length, e2.hasPrev, e2.hasNext]).toEqual([0, false, false]);
    const only0 = (x: Item) => x.id === 'i0';
    const s2 = pageOf({ index, match: only0, before: { key: 'k0', id: 'i0' } });
    expect([s2.items.length, s2.hasPrev, s2.hasNext]).toEqual([0, false, false]);
    expect(pageOf({ index: newIndex(), countTotal: true })).toMatchObject({ items: [], hasNext: false, hasPrev: false, total: 0 });
  });

  it('rejects invalid limits and both cursors at once', () => {
    const index = newIndex(TEN);
    for (const limit of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(queryError(() => pageOf({ index, limit })).parameter).toBe('limit');
    }
    expect(queryError(() => pageOf({ index, after: pos(TEN[1]), before: pos(TEN[5]) })).message).toMatch(
      /cannot be used together/,
    );
  });

  it('walks only what the page needs: cost independent of index size', () => {
    const big = Array.from({ length: 10_000 }, (_, i) => ({ id: `id${String(i).padStart(5, '0')}`, key: 'same', tag: true }));
    const index = newIndex(big);
    let calls = 0;
    const match = (x: Item) => {
      calls++;
      return x.tag;
    };
    for (const descending of [false, true]) {
      for (const [after, before] of [
        [undefined, undefined],
        [pos(big[5000]), undefined],
        [undefined, pos(big[5000])],
      ] as const) {
        calls = 0;
        const p = paginate({ index, descending, match, limit: 20, after, before, countTotal: false });
        expect(p.items).toHaveLength(20);
        expect(calls).toBeLessThanOrEqual(22); // 20 items + at most one probe on each side
      }
    }
    calls = 0;
    expect(paginate({ index, descending: false, match, limit: 20, countTotal: true }).total).toBe(10_000);
    expect(calls).toBe(10_000 + 21);
  });
});

// ---------------------------------------------------------------------------
// Properties

const KEYS = ['', 'a', 'b', 'c', 'd'];
const itemsArb = fc.uniqueArray(
  fc.record({ id: fc.string({ minLength: 1, maxLength: 3 }), key: fc.constantFrom(...KEYS), tag: fc.boolean() }),
  { selector: (x) => x.id, maxLength: 40 },
);
const matchArb = fc.constantFrom<[string, (x: Item) => boolean]>(
  ['all', all],
  ['tag', (x) => x.tag],
  ['none', () => false],
  ['key b', (x) => x.key === 'b'],
);

/** Follow next anchors from the first page; returns the visited items. */
function forward(index: SortedIndex<Item>, descending: boolean, match: (x: Item) => boolean, limit: number, between?: () => void): Item[] {
  const seen: Item[] = [];
  let page = paginate({ index, descending, match, limit, countTotal: false });
  expect(page.hasPrev).toBe(false);
  for (let guard = 0; ; guard++) {
    expect(guard).toBeLessThan(500);
    seen.push(...page.items);
    if (!page.hasNext) break;
    expect(page.items.length).toBe(limit);
    between?.();
    page = paginate({ index, descending, match, limit, after: page.nextAnchor, countTotal: false });
  }
  return seen;
}

/** Follow prev anchors from a page; returns the visited items in view order. */
function backward(
  index: SortedIndex<Item>,
  descending: boolean,
  match: (x: Item) => boolean,
  limit: number,
  start: Page<Item>,
  between?: () => void,
): Item[] {
  const chunks: Item[][] = [];
  let page = start;
  for (let guard = 0; ; guard++) {
    expect(guard).toBeLessThan(500);
    chunks.unshift(page.items);
    if (!page.hasPrev) break;
    // Pages fetched with a `before` anchor are full whenever more precede them.
    if (guard > 0) expect(page.items.length).toBe(limit);
    between?.();
    page = paginate({ index, descending, match, limit, before: page.prevAnchor, countTotal: false });
  }
  return chunks.flat();
}

describe('paginate: properties', () => {
  it('a single request returns exactly the reference page and flags', () => {
    const anchorArb = fc.option(
      fc.record({
        dir: fc.constantFrom('after' as const, 'before' as const),
        key: fc.constantFrom(...KEYS, 'bb', '\uffff'),
        id: fc.string({ maxLength: 3 }),
      }),
    );
    fc.assert(
      fc.property(itemsArb, matchArb, fc.boolean(), fc.integer({ min: 1, max: 6 }), anchorArb, fc.nat(), (items, [, match], descending, limit, anchor, pick) => {
        const index = newIndex(items);
        // Half the time anchor at an existing item.
        const a: CursorPosition | undefined =
          anchor === null
            ? undefined
            : items.length > 0 && pick % 2 === 0
              ? pos(items[pick % items.length])
              : { key: anchor.key, id: anchor.id };
        const dir = anchor?.dir;
        const page = paginate({
          index, descending, match, limit, countTotal: true,
          after: dir === 'after' ? a : undefined,
          before: dir === 'before' ? a : undefined,
        });
        const v = view(items, descending, match);
        let expected: Item[];
        if (a === undefined) expected = v.slice(0, limit);
        else if (dir === 'after') expected = v.filter((x) => isAfter(x, a, descending)).slice(0, limit);
        else {
          const before = v.filter((x) => isBefore(x, a, descending));
          expected = before.slice(Math.max(0, before.length - limit));
        }
        expect(ids(page.items)).toEqual(ids(expected));
        expect(page.total).toBe(v.length);
        if (page.items.length > 0) {
          expect(page.prevAnchor).toEqual(pos(page.items[0]));
          expect(page.nextAnchor).toEqual(pos(page.items[page.items.length - 1]));
        } else {
          expect(page.prevAnchor).toEqual(a);
          expect(page.nextAnchor).toEqual(a);
        }
        const na = page.nextAnchor;
        const pa = page.prevAnchor;
        expect(page.hasNext).toBe(na !== undefined && v.some((x) => isAfter(x, na, descending)));
        expect(page.hasPrev).toBe(pa !== undefined && v.some((x) => isBefore(x, pa, descending)));
      }),
      { numRuns: 200 },
    );
  });

  it('paging forward visits every matching item exactly once, in order', () => {
    fc.assert(
      fc.property(itemsArb, matchArb, fc.boolean(), fc.integer({ min: 1, max: 5 }), (items, [, match], descending, limit) => {
        const index = newIndex(items);
        expect(ids(forward(index, descending, match, limit))).toEqual(ids(view(items, descending, match)));
      }),
      { numRuns: 200 },
    );
  });

  it('paging backward from the last page visits every matching item exactly once, in reverse', () => {
    fc.assert(
      fc.property(itemsArb, matchArb, fc.boolean(), fc.integer({ min: 1, max: 5 }), (items, [, match], descending, limit) => {
        const index = newIndex(items);
        const expected = ids(view(items, descending, match));
        // Reach the last page by paging forward.
        let last = paginate({ index, descending, match, limit, countTotal: false });
        for (let guard = 0; last.hasNext; guard++) {
          expect(guard).toBeLessThan(500);
          last = paginate({ index, descending, match, limit, after: last.nextAnchor, countTotal: false });
        }
        // Going back from the last page: prepend pages, so the concatenation must be the whole view.
        if (last.items.length > 0) expect(ids(backward(index, descending, match, limit, last))).toEqual(expected);
        else expect(expected).toEqual([]);
        // Also from a "before" anchor past the end of the view.
        const end: CursorPosition = descending ? { key: '', id: '' } : { key: '\uffff', id: '' };
        const tail = paginate({ index, descending, match, limit, before: end, countTotal: false });
        expect(tail.hasNext).toBe(false);
        expect(ids(backward(index, descending, match, limit, tail))).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  const mutationArb = fc.array(
    fc.record({
      inserts: fc.array(fc.record({ id: fc.string({ minLength: 4, maxLength: 5 }), key: fc.constantFrom(...KEYS), tag: fc.boolean() }), {
        maxLength: 3,
      }),
      deletes: fc.array(fc.nat(), { maxLength: 3 }),
    }),
    { maxLength: 30 },
  );

  for (const direction of ['forward', 'backward'] as const) {
    it(`paging ${direction} with concurrent inserts/deletes never skips or repeats a stable item`, () => {
      fc.assert(
        fc.property(
          itemsArb, matchArb, fc.boolean(), fc.integer({ min: 1, max: 4 }), mutationArb,
          (items, [, match], descending, limit, mutations) => {
            const index = newIndex(items);
            const present = new Map(items.map((x) => [x.id, x]));
            const touched = new Set<string>(); // ids inserted or deleted at some point
            let step = 0;
            const between = () => {
              const m = mutations[step++ % Math.max(1, mutations.length)];
              if (!m) return;
              for (const d of m.deletes) {
                const victims = [...present.keys()];
                if (victims.length === 0) break;
                const id = victims[d % victims.length];
                index.remove(id);
                present.delete(id);
                touched.add(id);
              }
              for (const x of m.inserts) {
                if (present.has(x.id) || touched.has(x.id)) continue;
                index.insert(x);
                present.set(x.id, x);
                touched.add(x.id);
              }
            };
            let seen: Item[];
            if (direction === 'forward') {
              seen = forward(index, descending, match, limit, between);
            } else {
              const end: CursorPosition = descending ? { key: '', id: '' } : { key: '\uffff', id: '' };
              const tail = paginate({ index, descending, match, limit, before: end, countTotal: false });
              seen = backward(index, descending, match, limit, tail, between);
            }
            // No repeats, strictly monotonic in view order.
            expect(new Set(ids(seen)).size).toBe(seen.length);
            for (let i = 1; i < seen.length; i++) expect(isAfter(seen[i], seen[i - 1], descending)).toBe(true);
            // Every item that existed throughout and matches was visited.
            const stable = items.filter((x) => !touched.has(x.id));
            const seenIds = new Set(ids(seen));
            for (const x of view(stable, descending, match)) expect(seenIds.has(x.id)).toBe(true);
            // Everything visited matches.
            for (const x of seen) expect(match(x)).toBe(true);
          },
        ),
        { numRuns: 150 },
      );
    });
  }
});
