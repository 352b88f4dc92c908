/**
 * Keyset pagination over a SortedIndex.
 *
 * The "view" is the index in ascending (key, id) order, or reversed when
 * `descending`. A page is located relative to an anchor position (key, id),
 * never by offset, so inserting or deleting items between requests can neither
 * skip nor repeat an item that exists throughout. The anchor item itself need
 * not exist any more: positions are found by binary search (lowerBound).
 *
 * Link anchors and flags (one consistent rule):
 *   - `nextAnchor` is the position of the last returned item; `prevAnchor` the
 *     position of the first one. For an empty page they are the incoming
 *     cursor's anchor (and undefined for an empty first page).
 *   - `hasNext` ⇔ some matching item lies strictly after `nextAnchor` in view
 *     order; `hasPrev` ⇔ some matching item lies strictly before `prevAnchor`.
 *   So a `next` link anchored at `nextAnchor` (resp. a `prev` link at
 *   `prevAnchor`) is non-empty at the time of the request exactly when the
 *   flag is true.
 *
 * Cost: a binary search to the anchor, then a walk over the items needed to
 * fill the page, plus a walk from each edge of the page up to the first
 * matching item for the flags. `total` (a full scan) only when `countTotal`.
 */
import type { CursorPosition } from './cursor.js';
import { QueryError } from './errors.js';
import type { SortedIndex } from './sorted-index.js';

export interface PageRequest<T> {
  index: SortedIndex<T>;
  descending: boolean;
  match: (item: T) => boolean;
  /** Page size: a positive integer. */
  limit: number;
  /** Anchor of a `next` cursor: return items strictly after it (view order). */
  after?: CursorPosition;
  /** Anchor of a `prev` cursor: return items strictly before it (view order). */
  before?: CursorPosition;
  countTotal: boolean;
}

export interface Page<T> {
  /** The page's items, in view order. */
  items: T[];
  hasNext: boolean;
  hasPrev: boolean;
  /** Number of matching items in the whole index (only when countTotal). */
  total?: number;
  /** items[0] (undefined when the page is empty). */
  first?: T;
  /** items[items.length - 1] (undefined when the page is empty). */
  last?: T;
  /** Anchor for a `next` cursor (see module comment). */
  nextAnchor?: CursorPosition;
  /** Anchor for a `prev` cursor (see module comment). */
  prevAnchor?: CursorPosition;
}

export function paginate<T>(req: PageRequest<T>): Page<T> {
  const { index, descending, match, limit, after, before } = req;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
    throw new QueryError(`Invalid limit: ${String(limit)} is not a positive integer.`, { parameter: 'limit' });
  }
  if (after !== undefined && before !== undefined) {
    throw new QueryError('Invalid paging: the next and prev cursors cannot be used together; send at most one of them.', {
      parameter: 'prev',
    });
  }

  const n = index.size;
  // Work in ascending index positions; `step` moves forward in view order.
  const step = descending ? -1 : 1;

  // View-forward start strictly after an anchor, and view-backward start
  // strictly before it (both as ascending index positions, possibly out of range).
  const bounds = (a: CursorPosition): { lt: number; le: number } => {
    const lt = index.lowerBound(a.key, a.id);
    const le = lt < n && index.keyAt(lt) === a.key && index.idAt(lt) === a.id ? lt + 1 : lt;
    return { lt, le };
  };
  const firstMatch = (from: number, dir: number): boolean => {
    for (let i = from; i >= 0 && i < n; i += dir) {
      if (match(index.at(i) as T)) return true;
    }
    return false;
  };
  const positionAt = (i: number): CursorPosition => ({ key: index.keyAt(i) as string, id: index.idAt(i) as string });

  const items: T[] = [];
  let hasNext: boolean;
  let hasPrev: boolean;
  let firstPos = -1; // ascending positions of the first/last returned item (view order)
  let lastPos = -1;

  if (before === undefined) {
    let start: number;
    if (after === undefined) {
      start = descending ? n - 1 : 0;
    } else {
      const { lt, le } = bounds(after);
      start = descending ? lt - 1 : le;
    }
    let i = start;
    for (; i >= 0 && i < n && items.length < limit; i += step) {
      const item = index.at(i) as T;
      if (match(item)) {
        if (items.length === 0) firstPos = i;
        lastPos = i;
        items.push(item);
      }
    }
    // Not full means the walk reached the end of the view.
    hasNext = items.length === limit && firstMatch(i, step);
    if (items.length > 0) {
      // Everything between `start` and the first item was walked and did not match.
      hasPrev = firstMatch(start - step, -step);
    } else if (after !== undefined) {
      const { lt, le } = bounds(after);
      hasPrev = firstMatch(descending ? le : lt - 1, -step);
    } else {
      hasPrev = false;
    }
  } else {
    const { lt, le } = bounds(before);
    const start = descending ? le : lt - 1;
    let i = start;
    for (; i >= 0 && i < n && items.length < limit; i -= step) {
      const item = index.at(i) as T;
      if (match(item)) {
        if (items.length === 0) lastPos = i;
        firstPos = i;
        items.push(item);
      }
    }
    items.reverse();
    hasPrev = items.length === limit && firstMatch(i, -step);
    if (items.length > 0) {
      hasNext = firstMatch(start + step, step);
    } else {
      hasNext = firstMatch(descending ? lt - 1 : le, step);
    }
  }

  const page: Page<T> = { items, hasNext, hasPrev };
  if (items.length > 0) {
    page.first = items[0];
    page.last = items[items.length - 1];
    page.prevAnchor = positionAt(firstPos);
    page.nextAnchor = positionAt(lastPos);
  } else {
    const anchor = after ?? before;
    if (anchor !== undefined) {
      page.prevAnchor = { key: anchor.key, id: anchor.id };
      page.nextAnchor = { key: anchor.key, id: anchor.id };
    }
  }
  if (req.countTotal) {
    let total = 0;
    for (let i = 0; i < n; i++) if (match(index.at(i) as T)) total++;
    page.total = total;
  }
  return page;
}
