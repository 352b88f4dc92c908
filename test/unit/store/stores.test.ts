import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StoredClient } from '../../../src/domain/types.js';
import { DataFileError } from '../../../src/store/errors.js';
import { LowdbStore, SnapshotBytes } from '../../../src/store/lowdb.js';
import { MemoryStore } from '../../../src/store/memory.js';
import type { Snapshot } from '../../../src/store/types.js';

const record = (clientId: string, clientName: string, createdAt: string): StoredClient => ({
  tenantId: 't',
  clientId,
  appType: 'native',
  clientName,
  connectionConfig: { consentMethod: 'required' },
  createdAt,
  updatedAt: createdAt,
  ownerId: 'u',
  createdByType: 'user',
  secrets: [],
});
const empty = (): Snapshot => ({ version: 1, clients: [] });
const tempFile = () => join(mkdtempSync(join(tmpdir(), 'oauth-mock-')), 'db.json');

describe('SnapshotBytes', () => {
  it('writes exactly JSON.stringify(data, null, 1), reusing cached blocks through changes', () => {
    const bytes = new SnapshotBytes();
    let clients: StoredClient[] = Array.from({ length: 600 }, (_, i) => ({ ...record(`id-${i}`, `Name "${i}" ünï\n`, '2025-01-01T00:00:00.000000Z'), description: i % 7 ? undefined : 'd' }));
    const check = () => {
      const data: Snapshot = { version: 1, clients };
      expect(Buffer.concat(bytes.serialize(data)).toString('utf8')).toBe(JSON.stringify(data, null, 1));
    };
    check();
    check(); // every block from the cache
    clients = clients.map((c, i) => (i === 300 ? { ...c, clientName: 'patched' } : c)); // a change in the second block
    check();
    clients = clients.filter((_, i) => i !== 10); // a deletion shifts every later block
    check();
    clients = [...clients, record('new', 'appended', '2025-01-02T00:00:00.000000Z')];
    check();
    clients = [];
    check();
  });
});

describe('MemoryStore', () => {
  it('keeps every sort index in step with puts and deletes', () => {
    const store = new MemoryStore();
    store.put(record('b', 'Zed', '2025-01-02T00:00:00.000000Z'));
    store.put(record('a', 'alpha', '2025-01-03T00:00:00.000000Z'));
    store.put(record('c', 'Mid', '2025-01-01T00:00:00.000000Z'));
    const order = (key: 'clientName' | 'createdAt') => store.index('t', key).toArray().map((c) => c.clientId);
    expect(order('clientName')).toEqual(['a', 'c', 'b']);
    expect(order('createdAt')).toEqual(['c', 'b', 'a']);
    store.put({ ...record('b', 'aaa', '2025-01-02T00:00:00.000000Z') });
    expect(order('clientName')).toEqual(['b', 'a', 'c']);
    expect(store.delete('t', 'a')).toBe(true);
    expect(order('createdAt')).toEqual(['c', 'b']);
    expect(store.count('t')).toBe(2);
    expect(store.index('nobody', 'clientId').size).toBe(0);
  });

  it('builds an index on first use that matches one kept up to date since the start', () => {
    const early = new MemoryStore();
    const late = new MemoryStore();
    const keys = ['clientId', 'clientName', 'appType', 'createdAt', 'updatedAt'] as const;
    for (const key of keys) early.index('t', key); // built now, then maintained by every write
    for (let i = 0; i < 60; i++) {
      const id = ((i * 7919) % 61).toString(16).padStart(2, '0');
      const client = { ...record(id, `Name ${(i * 31) % 17}`, `2025-01-01T00:00:${String(i % 60).padStart(2, '0')}.000000Z`), appType: i % 3 ? 'web' : 'spa' } as StoredClient;
      for (const store of [early, late]) {
        store.put(client);
        if (i % 5 === 4) store.delete('t', ((i * 13) % 61).toString(16).padStart(2, '0'));
      }
    }
    for (const key of keys) {
      const ids = (store: MemoryStore) => store.index('t', key).toArray().map((c) => c.clientId);
      expect(ids(late), key).toEqual(ids(early)); // `late` builds its index only here
    }
  });

  it('exports copies: changing a snapshot does not change the store', () => {
    const store = new MemoryStore({ version: 1, clients: [record('a', 'A', '2025-01-01T00:00:00.000000Z')] });
    const snap = store.snapshot();
    snap.clients[0].clientName = 'changed';
    expect(store.get('t', 'a')!.clientName).toBe('A');
  });
});

describe('LowdbStore', () => {
  it('creates a missing file from the seed, and finds every flushed write after reopening', async () => {
    const file = tempFile();
    const store = await LowdbStore.open(file, () => ({ version: 1, clients: [record('seed', 'Seed', '2025-01-01T00:00:00.000000Z')] }));
    expect(JSON.parse(readFileSync(file, 'utf8')).clients).toHaveLength(1);
    const writes = Array.from({ length: 50 }, (_, i) => {
      store.put(record(`c${i}`, `C${i}`, `2025-02-01T00:00:00.${String(i).padStart(6, '0')}Z`));
      return store.flush();
    });
    await Promise.all(writes);
    await store.close();
    const reopened = await LowdbStore.open(file, empty);
    expect(reopened.count()).toBe(51);
    await reopened.close();
  });

  it('refuses at open a file it can read but not replace, and leaves it untouched', async () => {
    const file = tempFile();
    writeFileSync(file, JSON.stringify({ version: 1, clients: [] }));
    mkdirSync(join(dirname(file), '.db.json.tmp')); // where a write would put the new file (root ignores chmod)
    await expect(LowdbStore.open(file, empty)).rejects.toThrow(/cannot write data file/);
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify({ version: 1, clients: [] }));
  });

  it('refuses at open a missing file it cannot create, saying why and not that anything is kept', async () => {
    const file = tempFile();
    mkdirSync(join(dirname(file), '.db.json.tmp'));
    const opening = LowdbStore.open(file, empty);
    await expect(opening).rejects.toThrow(/^cannot create data file .*db\.json: .*\(its folder must be writable\)$/);
    await expect(opening).rejects.not.toThrow(/kept in memory/);
  });

  it('reports a failed write as a DataFileError, and writes the change with the next one', async () => {
    const file = tempFile();
    const store = await LowdbStore.open(file, empty);
    const blocker = join(dirname(file), '.db.json.tmp');
    mkdirSync(blocker);
    store.put(record('a', 'A', '2025-01-01T00:00:00.000000Z'));
    await expect(store.flush()).rejects.toThrow(/cannot write data file .*kept in memory only/);
    rmdirSync(blocker);
    store.put(record('b', 'B', '2025-01-02T00:00:00.000000Z'));
    await store.flush();
    expect(JSON.parse(readFileSync(file, 'utf8')).clients.map((c: StoredClient) => c.clientId)).toEqual(['a', 'b']);
  });

  it('refuses a corrupt file and leaves it untouched', async () => {
    const file = tempFile();
    writeFileSync(file, '{"version":1,"clients":[');
    await expect(LowdbStore.open(file, empty)).rejects.toThrow(DataFileError);
    expect(readFileSync(file, 'utf8')).toBe('{"version":1,"clients":[');
  });

  it('refuses a file of the wrong shape, naming the field', async () => {
    const file = tempFile();
    writeFileSync(file, JSON.stringify({ version: 1, clients: [{ clientId: 'x' }] }));
    await expect(LowdbStore.open(file, empty)).rejects.toThrow(/state\.clients\[0\]/);
  });
});

describe('LowdbStore on a folder it cannot write', () => {
  it('fails with a DataFileError naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oauth-mock-ro-'));
    const file = join(dir, 'sub', 'db.json');
    writeFileSync(join(dir, 'sub'), 'a file where a folder should be');
    await expect(LowdbStore.open(file, empty)).rejects.toThrow(DataFileError);
    await expect(LowdbStore.open(file, empty)).rejects.toThrow(file);
  });
});
