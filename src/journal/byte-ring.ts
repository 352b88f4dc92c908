/**
 * A bounded FIFO of strings, kept as UTF-8 in one byte buffer rather than as JS objects.
 *
 * Why bytes: the journal keeps the last thousand requests, so under load each request's record
 * lives just long enough to survive two young-generation collections and be promoted, then dies
 * in the old generation, which V8 lets grow to several times the live heap before collecting it.
 * With records as objects, resident memory of a mock with 10,000 clients peaked above 200 MB
 * during the benchmark; with records as bytes nothing per request outlives the request.
 *
 * The buffer starts small and doubles (up to `maxBytes`) while fewer than `capacity` strings fit;
 * past that, pushing drops the oldest strings until the new one fits.
 */
export class ByteRing {
  private bytes: Buffer;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  /** Slot of the oldest string. */
  private head = 0;
  private count = 0;
  /** How many bytes of the newest string its first part (`push`'s `text`) takes. */
  private newestPrefix = 0;

  constructor(
    readonly capacity: number,
    readonly maxBytes = 16 * 1024 * 1024,
    private readonly initialBytes = 64 * 1024,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, not ${capacity}`);
    this.bytes = Buffer.allocUnsafeSlow(Math.min(initialBytes, maxBytes));
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /**
   * Appends `text` followed by `rest` as one string; false (and nothing stored) when it could
   * not fit even in an empty ring. `text`'s bytes can be copied out on their own while the
   * string is the newest (`copyNewestPrefix`).
   */
  push(text: string, rest = ''): boolean {
    // 3 bytes per UTF-16 unit bounds its UTF-8 length without measuring it.
    const need = (text.length + rest.length) * 3;
    if (need > this.maxBytes) return false;
    if (this.count === this.capacity) this.dropOldest();
    let at = this.place(need);
    while (at < 0) {
      if (this.count < this.capacity && this.bytes.length < this.maxBytes) this.grow(need);
      else this.dropOldest();
      at = this.place(need);
    }
    const slot = (this.head + this.count) % this.capacity;
    const prefixEnd = at + this.bytes.write(text, at, 'utf8');
    this.starts[slot] = at;
    this.ends[slot] = rest ? prefixEnd + this.bytes.write(rest, prefixEnd, 'utf8') : prefixEnd;
    this.newestPrefix = prefixEnd - at;
    this.count++;
    return true;
  }

  /** The UTF-8 length of the newest string's first part (`push`'s `text`). */
  get newestPrefixBytes(): number {
    return this.count ? this.newestPrefix : 0;
  }

  /** Copies the newest string's first part into `target` at `offset`; the bytes copied. */
  copyNewestPrefix(target: Uint8Array, offset: number): number {
    if (!this.count) return 0;
    const start = this.starts[(this.head + this.count - 1) % this.capacity];
    return this.bytes.copy(target, offset, start, start + this.newestPrefix);
  }

  /** The `i`-th oldest string. */
  at(i: number): string {
    const slot = (this.head + i) % this.capacity;
    return this.bytes.toString('utf8', this.starts[slot], this.ends[slot]);
  }

  /** The first `bytes` bytes of the `i`-th oldest string, as latin-1 (for an ASCII prefix such as an id). */
  peek(i: number, bytes: number): string {
    const slot = (this.head + i) % this.capacity;
    return this.bytes.toString('latin1', this.starts[slot], Math.min(this.ends[slot], this.starts[slot] + bytes));
  }

  /** Bytes the strings take. */
  get usedBytes(): number {
    let used = 0;
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head + i) % this.capacity;
      used += this.ends[slot] - this.starts[slot];
    }
    return used;
  }

  /** Oldest first. */
  toArray(): string[] {
    const out: string[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head + i) % this.capacity;
      out[i] = this.bytes.toString('utf8', this.starts[slot], this.ends[slot]);
    }
    return out;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
    if (this.bytes.length > this.initialBytes) this.bytes = Buffer.allocUnsafeSlow(Math.min(this.initialBytes, this.maxBytes));
  }

  /** Where `need` contiguous free bytes start, right after the newest string or at 0; -1 if nowhere. */
  private place(need: number): number {
    const size = this.bytes.length;
    if (this.count === 0) return need <= size ? 0 : -1;
    const oldestStart = this.starts[this.head];
    const newest = (this.head + this.count - 1) % this.capacity;
    const newestEnd = this.ends[newest];
    if (this.starts[newest] >= oldestStart) {
      // Not wrapped: free space is after the newest and before the oldest.
      if (size - newestEnd >= need) return newestEnd;
      return oldestStart >= need ? 0 : -1;
    }
    return oldestStart - newestEnd >= need ? newestEnd : -1;
  }

  private dropOldest(): void {
    this.head = (this.head + 1) % this.capacity;
    this.count--;
  }

  /** Doubles the buffer (enough for `need` more bytes, at most `maxBytes`), copying the strings to its start in order. */
  private grow(need: number): void {
    let used = 0;
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head + i) % this.capacity;
      used += this.ends[slot] - this.starts[slot];
    }
    let size = this.bytes.length * 2;
    while (size < used + need) size *= 2;
    const next = Buffer.allocUnsafeSlow(Math.min(size, this.maxBytes));
    let at = 0;
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head + i) % this.capacity;
      const length = this.bytes.copy(next, at, this.starts[slot], this.ends[slot]);
      this.starts[slot] = at;
      this.ends[slot] = at + length;
      at += length;
    }
    this.bytes = next;
  }
}
