import { mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import * as nodeFs from 'node:fs/promises';
import { Low, type Adapter } from 'lowdb';
import { lockDataFile, type DataFileLock } from './data-file-lock.js';
import { DataFileError } from './errors.js';
import { MemoryStore } from './memory.js';
import { parseSnapshot } from './snapshot.js';
import type { StoredClient } from '../domain/types.js';
import type { Snapshot } from './types.js';


const recordText = new WeakMap<StoredClient, Buffer>();
/** Records per cached block of file bytes. */
const BLOCK = 256;

/**
 * The bytes of `JSON.stringify(data, null, 1)`, as a list of buffers built from cached parts: records are never
 * changed in place (a change puts a new object), so a write serializes only the records that
 * changed since the last one (stringifying every record blocked the event loop ~20 ms per write
 * at 5,000 clients), and reuses whole blocks of 256 records that are the same objects in the
 * same order (concatenating 10,000 small buffers per write was 12 % of a persisted create).
 */
export class SnapshotBytes {
  private blocks: { records: StoredClient[]; bytes: Buffer }[] = [];

  serialize(data: Snapshot): Buffer[] {
    const keys = Object.keys(data);
    if (data.clients.length === 0 || keys.length !== 2 || keys[0] !== 'version') return [Buffer.from(JSON.stringify(data, null, 1))];
    const parts: Buffer[] = [Buffer.from(`{\n "version": ${JSON.stringify(data.version)},\n "clients": [\n  `)];
    const blocks: { records: StoredClient[]; bytes: Buffer }[] = [];
    for (let start = 0, i = 0; start < data.clients.length; start += BLOCK, i++) {
      const records = data.clients.slice(start, start + BLOCK);
      const cached = this.blocks[i];
      const block = cached && cached.records.length === records.length && cached.records.every((r, k) => r === records[k]) ? cached : { records, bytes: blockBytes(records) };
      if (i > 0) parts.push(SEPARATOR);
      parts.push(block.bytes);
      blocks.push(block);
    }
    this.blocks = blocks;
    parts.push(CLOSING);
    return parts;
  }
}

function blockBytes(records: readonly StoredClient[]): Buffer {
  const parts: Buffer[] = [];
  records.forEach((client, i) => {
    let bytes = recordText.get(client);
    // Indented as an element of "clients" (JSON strings hold no raw newline: only layout is shifted).
    if (bytes === undefined) recordText.set(client, (bytes = Buffer.from(JSON.stringify(client, null, 1).replaceAll('\n', '\n  '))));
    if (i > 0) parts.push(SEPARATOR);
    parts.push(bytes);
  });
  return Buffer.concat(parts);
}

const SEPARATOR = Buffer.from(',\n  ');
const CLOSING = Buffer.from('\n ]\n}');

/** The file-system calls SnapshotFile makes: node:fs/promises, or a test's stand-in that records their order. */
export interface SnapshotFs {
  /** 'wx': create, failing when the name exists (a symbolic link included: it is not followed). */
  open(path: string, flags: 'r' | 'wx'): Promise<SnapshotHandle>;
  rename(from: string, to: string): Promise<void>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  unlink(path: string): Promise<void>;
}

export interface SnapshotHandle {
  writev(buffers: Buffer[]): Promise<{ bytesWritten: number }>;
  write(buffer: Buffer): Promise<unknown>;
  /** fsync(2): returns once the bytes (or, for a folder, its entries) are on the disk. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

const NODE_FS: SnapshotFs = nodeFs;

/** What SnapshotFile.load() says when there is no file. */
const MISSING = Symbol('missing');

/**
 * Errors that mean "this platform cannot fsync a folder", not "the disk failed": Windows refuses
 * to open a folder (EISDIR) or to flush one (EPERM); some file systems say EINVAL or ENOTSUP.
 */
const FOLDER_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EINVAL', 'ENOTSUP']);

/**
 * lowdb's adapter for the data file: it reads the file as lowdb's DataFile does and writes it as
 * steno does (a temp file beside it, then a rename, so the file is always whole), but hands the
 * cached chunks to one writev: steno's fs.writeFile took an await per chunk, or a copy of the
 * whole file into one buffer (16 % of a persisted create at 7,000 clients). Unlike steno it
 * fsyncs the temp file before the rename and the folder after it, so a write it resolved survives
 * a power loss (without them, the rename can reach the disk before the bytes, or not at all).
 */
class SnapshotFile implements Adapter<Snapshot> {
  private readonly bytes = new SnapshotBytes();
  private readonly temp: string;

  constructor(
    private readonly path: string,
    private readonly fs: SnapshotFs,
  ) {
    this.temp = join(dirname(path), `.${basename(path)}.tmp`);
  }

  async read(): Promise<Snapshot | null> {
    const loaded = await this.load();
    return loaded === MISSING ? null : (loaded as Snapshot);
  }

  /**
   * The file's JSON value as it is (`null` included: a file holding `null` is a file of the wrong
   * shape, not a missing one), or MISSING when there is no file.
   */
  async load(): Promise<unknown> {
    let text: string;
    try {
      text = await this.fs.readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return MISSING;
      throw error;
    }
    return JSON.parse(text) as unknown;
  }

  /** Never called again before the last call settled (LowdbStore chains its writes). Resolves once the new file is durable. */
  async write(data: Snapshot): Promise<void> {
    const chunks = this.bytes.serialize(data);
    const handle = await this.openTemp();
    try {
      const { bytesWritten } = await handle.writev(chunks);
      const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
      if (bytesWritten < total) await handle.write(Buffer.concat(chunks).subarray(bytesWritten));
      await handle.sync(); // the bytes are on disk before any name points at them
    } finally {
      await handle.close();
    }
    await this.fs.rename(this.temp, this.path);
    await this.syncFolder(); // the rename itself is on disk
  }

  /**
   * A new temp file: never one that is there already, which is a crashed write's leftover (the
   * lock keeps other mocks out) or a link planted to have the mock write through it.
   */
  private async openTemp(): Promise<SnapshotHandle> {
    try {
      return await this.fs.open(this.temp, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      await this.fs.unlink(this.temp);
      return await this.fs.open(this.temp, 'wx');
    }
  }

  private async syncFolder(): Promise<void> {
    let folder: SnapshotHandle;
    try {
      folder = await this.fs.open(dirname(this.path), 'r');
    } catch (error) {
      if (FOLDER_SYNC_UNSUPPORTED.has((error as NodeJS.ErrnoException).code ?? '')) return;
      throw error;
    }
    try {
      await folder.sync();
    } catch (error) {
      if (!FOLDER_SYNC_UNSUPPORTED.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    } finally {
      await folder.close();
    }
  }

  /** Fails as a write would (a folder that is not writable or cannot be synced, a read-only file system), leaving nothing behind. */
  async probeWrite(): Promise<void> {
    await (await this.openTemp()).close();
    await this.fs.unlink(this.temp);
    await this.syncFolder();
  }
}

/**
 * The memory store, persisted to one JSON file through one lowdb instance.
 * Writes are coalesced: every change made before a write starts rides on that write,
 * and `flush()` resolves only once the write holding the caller's change is on disk
 * (SnapshotFile writes a temp file, fsyncs it, renames it and fsyncs the folder: the file is
 * always whole, and durable once flushed).
 */
export class LowdbStore extends MemoryStore {
  override readonly kind = 'file' as const;
  override readonly location: string;
  private readonly db: Low<Snapshot>;
  private readonly file: SnapshotFile;
  private dirty = false;
  private inFlight: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  private lock: DataFileLock | undefined;

  private constructor(path: string, fs: SnapshotFs) {
    super();
    this.location = path;
    this.file = new SnapshotFile(path, fs);
    this.db = new Low<Snapshot>(this.file, { version: 1, clients: [] });
  }

  /**
   * Opens the file, or creates it from `seed` when it does not exist. A file that exists but
   * cannot be read or parsed is an error and is left untouched: never replace a user's data.
   * The file is locked until close() (see data-file-lock.ts): a second mock on it is refused.
   * `fs` is for tests that watch the file-system calls.
   */
  static async open(file: string, seed: () => Snapshot, fs: SnapshotFs = NODE_FS): Promise<LowdbStore> {
    const path = resolve(file);
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (error) {
      throw new DataFileError(`cannot use data file ${path}: ${(error as Error).message}`);
    }
    const lock = lockDataFile(path);
    try {
      const store = await LowdbStore.load(path, seed, fs);
      store.lock = lock;
      return store;
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  private static async load(path: string, seed: () => Snapshot, fs: SnapshotFs): Promise<LowdbStore> {
    const store = new LowdbStore(path, fs);
    let loaded: unknown;
    try {
      loaded = await store.file.load();
    } catch (error) {
      const reason = error instanceof SyntaxError ? `not valid JSON (${error.message})` : (error as Error).message;
      throw new DataFileError(`cannot use data file ${path}: ${reason}`);
    }
    if (loaded === MISSING) {
      store.replace(seed());
      try {
        await store.flush();
      } catch (error) {
        // The write's own reason: at start nothing is kept in memory, the mock does not start.
        const reason = ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
        throw new DataFileError(`cannot create data file ${path}: ${reason} (its folder must be writable)`);
      }
      return store;
    }
    try {
      store.replace(parseSnapshot(loaded));
    } catch (error) {
      throw new DataFileError(`cannot use data file ${path}: ${(error as Error).message}`);
    }
    // A file that can be read but not replaced would fail every write later: say so now.
    try {
      await store.file.probeWrite();
    } catch (error) {
      throw new DataFileError(`cannot write data file ${path}: ${(error as Error).message}`);
    }
    store.dirty = false;
    return store;
  }

  protected override changed(): void {
    super.changed();
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
        this.db.data = this.snapshotByReference();
        const write = this.db.write().catch((error: unknown) => {
          this.dirty = true; // the next write tries again with everything
          throw new DataFileError(`cannot write data file ${this.location}: ${(error as Error).message}; the change is kept in memory only`, { cause: error });
        });
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
    try {
      await this.flush();
    } finally {
      this.lock?.release();
    }
  }
}
