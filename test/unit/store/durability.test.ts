/**
 * A flushed write of the lowdb store survives a power loss: SnapshotFile writes the temp file,
 * fsyncs it, closes it, renames it over the data file and fsyncs the folder, and flush() resolves
 * only after that last fsync. Seen through a file system that records the calls (and passes them
 * to node:fs/promises, so the files are real).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import * as nodeFs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { DataFileError } from '../../../src/store/errors.js';
import { storedClient } from '../../support/stored-client.js';
import { LowdbStore, type SnapshotFs, type SnapshotHandle } from '../../../src/store/lowdb.js';
import type { Snapshot } from '../../../src/store/types.js';

const record = storedClient;
const empty = (): Snapshot => ({ version: 1, clients: [] });
const idsOnDisk = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as Snapshot).clients.map((c) => c.clientId);

/** What a step may do instead of the real call: wait (a held fsync), or fail. */
type Intercept = (step: string) => Promise<void> | void;

/** node:fs/promises, naming each completed call: "sync temp", "rename temp → file", "open folder"… */
function recordingFs(file: string, intercept: Intercept = () => undefined) {
  const events: string[] = [];
  const label = (path: string) => (path === file ? 'file' : path === dirname(file) ? 'folder' : basename(path) === `.${basename(file)}.tmp` ? 'temp' : path);
  const step = async <T>(name: string, call: () => Promise<T>): Promise<T> => {
    await intercept(name);
    const result = await call();
    events.push(name);
    return result;
  };
  const fs: SnapshotFs = {
    open: async (path, flags) => {
      const what = label(path);
      const handle = await step(`open ${what}`, () => nodeFs.open(path, flags));
      const wrapped: SnapshotHandle = {
        writev: (buffers) => step(`write ${what}`, () => handle.writev(buffers)),
        write: (buffer) => step(`write ${what}`, () => handle.write(buffer)),
        sync: () => step(`sync ${what}`, () => handle.sync()),
        close: () => step(`close ${what}`, () => handle.close()),
      };
      return wrapped;
    },
    rename: (from, to) => step(`rename ${label(from)} → ${label(to)}`, () => nodeFs.rename(from, to)),
    readFile: (path, encoding) => nodeFs.readFile(path, encoding),
    unlink: (path) => step(`unlink ${label(path)}`, () => nodeFs.unlink(path)),
  };
  return { fs, events };
}

const fileInTemp = () => join(mkdtempSync(join(tmpdir(), 'oauth-mock-durable-')), 'db.json');
const WRITE = ['open temp', 'write temp', 'sync temp', 'close temp', 'rename temp → file', 'open folder', 'sync folder', 'close folder'];

/** A promise that can be released from outside. */
function gate() {
  let release!: () => void;
  const opened = new Promise<void>((resolve) => (release = resolve));
  return { opened, release };
}

describe('SnapshotFile makes a flushed write durable', () => {
  it('writes, fsyncs and closes the temp file, renames it, then fsyncs the folder', async () => {
    const file = fileInTemp();
    const { fs, events } = recordingFs(file);
    const store = await LowdbStore.open(file, empty, fs);
    expect(events).toEqual(WRITE); // the file created from the seed, the same way
    events.length = 0;
    store.put(record('a'));
    await store.flush();
    expect(events).toEqual(WRITE);
    expect(idsOnDisk(file)).toEqual(['a']);
  });

  it('resolves flush() only after the folder fsync, and coalesces the writes asked for meanwhile', async () => {
    const file = fileInTemp();
    let held: ReturnType<typeof gate> | undefined;
    const { fs, events } = recordingFs(file, (step) => (step === 'sync folder' ? held?.opened : undefined));
    const store = await LowdbStore.open(file, empty, fs);
    events.length = 0;

    held = gate();
    store.put(record('a'));
    let flushed = false;
    const first = store.flush().then(() => (flushed = true));
    await vi.waitFor(() => expect(events).toContain('open folder'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Renamed (the file holds the change) but not known durable: not answered yet.
    expect(idsOnDisk(file)).toEqual(['a']);
    expect(events).toEqual(WRITE.slice(0, 6));
    expect(flushed).toBe(false);

    // Changes made while the write is held ride on one next write.
    store.put(record('b'));
    const second = store.flush();
    store.put(record('c'));
    const third = store.flush();
    const release = held.release;
    held = undefined;
    release();
    await Promise.all([first, second, third]);
    expect(flushed).toBe(true);
    expect(events).toEqual([...WRITE, ...WRITE]);
    expect(idsOnDisk(file)).toEqual(['a', 'b', 'c']);
  });

  it.each([
    ['cannot open a folder (EISDIR, as on Windows)', 'open folder', 'EISDIR'],
    ['cannot fsync a folder (EPERM, as on Windows)', 'sync folder', 'EPERM'],
  ])('skips the folder fsync on a platform that %s', async (_name, failing, code) => {
    const file = fileInTemp();
    const { fs } = recordingFs(file, (step) => {
      if (step === failing) throw Object.assign(new Error(`${code}: refused`), { code });
    });
    const store = await LowdbStore.open(file, empty, fs);
    store.put(record('a'));
    await store.flush();
    expect(idsOnDisk(file)).toEqual(['a']);
  });

  it('fails a write whose fsync fails (the disk, not the platform), and writes the change with the next one', async () => {
    const file = fileInTemp();
    let failing: string | undefined;
    const { fs } = recordingFs(file, (step) => {
      if (step === failing) throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
    });
    const store = await LowdbStore.open(file, empty, fs);
    for (const step of ['sync temp', 'sync folder']) {
      failing = step;
      store.put(record(step));
      await expect(store.flush()).rejects.toThrow(DataFileError);
    }
    failing = undefined;
    store.put(record('last'));
    await store.flush();
    expect(idsOnDisk(file)).toEqual(['sync temp', 'sync folder', 'last']);
  });
});
