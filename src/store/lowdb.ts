import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { MemoryStore } from './memory.js';
import { parseSnapshot } from './snapshot.js';
import type { Snapshot } from './types.js';

export class DataFileError extends Error {
  override name = 'DataFileError';
}

/**
 * The memory store, persisted to one JSON file through one lowdb instance.
 * Writes are coalesced: every change made before a write starts rides on that write,
 * and `flush()` resolves only once the write holding the caller's change is on disk
 * (lowdb's steno writes a temp file and renames it, so the file is always whole).
 */
export class LowdbStore extends MemoryStore {
  override readonly kind = 'file' as const;
  override readonly location: string;
  private readonly db: Low<Snapshot>;
  private dirty = false;
  private inFlight: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  private constructor(path: string) {
    super();
    this.location = path;
    this.db = new Low<Snapshot>(
      new DataFile<Snapshot>(path, {
        parse: (text) => JSON.parse(text) as Snapshot,
        stringify: (data) => JSON.stringify(data, null, 1),
      }),
      { version: 1, clients: [] },
    );
  }

  /**
   * Opens the file, or creates it from `seed` when it does not exist. A file that exists but
   * cannot be read or parsed is an error and is left untouched: never replace a user's data.
   */
  static async open(file: string, seed: () => Snapshot): Promise<LowdbStore> {
    const path = resolve(file);
    const store = new LowdbStore(path);
    let loaded: unknown;
    try {
      mkdirSync(dirname(path), { recursive: true });
      loaded = (await store.db.adapter.read()) ?? undefined;
    } catch (error) {
      const reason = error instanceof SyntaxError ? `not valid JSON (${error.message})` : (error as Error).message;
      throw new DataFileError(`cannot use data file ${path}: ${reason}`);
    }
    if (loaded === undefined) {
      store.replace(seed());
      try {
        await store.flush();
      } catch (error) {
        throw new DataFileError(`cannot create data file ${path}: ${(error as Error).message}`);
      }
      return store;
    }
    try {
      store.replace(parseSnapshot(loaded));
    } catch (error) {
      throw new DataFileError(`cannot use data file ${path}: ${(error as Error).message}`);
    }
    store.dirty = false;
    return store;
  }

  protected override changed(): void {
    this.dirty = true;
  }

  override flush(): Promise<void> {
    if (!this.dirty) return this.inFlight ?? Promise.resolve();
    this.queued ??= (this.inFlight ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        this.dirty = false;
        // Serialised now, so it holds every change made up to this moment.
        this.db.data = { version: 1, clients: this.clients() };
        const write = this.db.write();
        this.inFlight = write;
        const clear = () => {
          if (this.inFlight === write) this.inFlight = null;
        };
        write.then(clear, clear);
        return write;
      });
    return this.queued;
  }

  override async close(): Promise<void> {
    await this.flush();
  }
}
