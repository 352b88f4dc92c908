/**
 * One mock per data file: LowdbStore.open locks `<file>.lock` until close(), refuses a file a
 * live mock holds, and takes over a lock whose holder is gone. The temp file a write goes
 * through is always new: a link planted there is not written through.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { storedClient } from '../../support/stored-client.js';
import { LowdbStore } from '../../../src/store/lowdb.js';
import type { Snapshot } from '../../../src/store/types.js';

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'oauth-mock-lock-')), 'db.json');
const empty = (): Snapshot => ({ version: 1, clients: [] });
const record = storedClient;
const holder = (file: string) => JSON.parse(readFileSync(`${file}.lock`, 'utf8')) as { pid: number; host: string };

const opened: LowdbStore[] = [];
const open = async (file: string) => {
  const store = await LowdbStore.open(file, empty);
  opened.push(store);
  return store;
};
const children: ReturnType<typeof spawn>[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

describe('the data file lock', () => {
  it('is held from open to close, with this pid and host', async () => {
    const file = tempFile();
    const store = await LowdbStore.open(file, empty);
    expect(holder(file)).toEqual({ pid: process.pid, host: hostname() });
    await store.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('refuses a second store of this process on the file until the first is closed', async () => {
    const file = tempFile();
    const first = await LowdbStore.open(file, empty);
    await expect(LowdbStore.open(file, empty)).rejects.toThrow(/^cannot use data file .*db\.json: another mock of this process uses it/);
    first.put(record('kept'));
    await first.close();
    const second = await open(file);
    expect(second.count()).toBe(1);
  });

  it('refuses a file whose lock a live process on this host holds, naming its pid, and leaves the file and the lock as they are', async () => {
    const file = tempFile();
    writeFileSync(file, JSON.stringify({ version: 1, clients: [record('theirs')] }));
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    children.push(other);
    const lock = JSON.stringify({ pid: other.pid, host: hostname() });
    writeFileSync(`${file}.lock`, lock);
    await expect(LowdbStore.open(file, empty)).rejects.toThrow(new RegExp(`the mock with pid ${other.pid} uses it; stop that one, or give this one another data file \\(the lock is .*db\\.json\\.lock\\)$`));
    expect(readFileSync(`${file}.lock`, 'utf8')).toBe(lock);
    expect(JSON.parse(readFileSync(file, 'utf8')).clients[0].clientId).toBe('theirs');
  });

  it('takes over a lock whose holder was killed but not yet reaped (a zombie: no init in a container)', async () => {
    // The shell starts a sleep, then becomes a sleep that never waits for it: killed, it stays a zombie.
    const parent = spawn('sh', ['-c', 'sleep 60 & echo $!; exec sleep 60']);
    children.push(parent);
    const pid = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString()))));
    process.kill(pid, 'SIGKILL');
    const stateOf = () => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0];
    for (let i = 0; i < 100 && stateOf() !== 'Z'; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(stateOf()).toBe('Z');
    const file = tempFile();
    writeFileSync(`${file}.lock`, JSON.stringify({ pid, host: hostname() }));
    await open(file);
    expect(holder(file)).toEqual({ pid: process.pid, host: hostname() });
  });

  it.each([
    ['a process that is gone', () => ({ pid: spawnSync(process.execPath, ['-e', '']).pid, host: hostname() })],
    ['another host', () => ({ pid: process.ppid, host: `not-${hostname()}` })],
    ['this pid in an earlier life', () => ({ pid: process.pid, host: hostname() })],
    ['nothing readable', () => '{"pid":'],
  ])('takes over a lock left by %s', async (_name, left) => {
    const file = tempFile();
    const value = left();
    writeFileSync(`${file}.lock`, typeof value === 'string' ? value : JSON.stringify(value));
    const store = await open(file);
    expect(holder(file)).toEqual({ pid: process.pid, host: hostname() });
    expect(store.count()).toBe(0);
  });

  it('is released when the file cannot be used, so a fixed file opens', async () => {
    const file = tempFile();
    writeFileSync(file, '{"version":1,');
    await expect(LowdbStore.open(file, empty)).rejects.toThrow(/not valid JSON/);
    expect(existsSync(`${file}.lock`)).toBe(false);
    writeFileSync(file, JSON.stringify(empty()));
    expect((await open(file)).count()).toBe(0);
  });
});

describe('the temp file of a write', () => {
  it('does not write through a link planted at its name, nor keep a crashed write’s leftover', async () => {
    const file = tempFile();
    const victim = join(dirname(file), 'victim.txt');
    writeFileSync(victim, 'untouched');
    symlinkSync(victim, join(dirname(file), '.db.json.tmp'));
    const store = await open(file);
    store.put(record('a'));
    await store.flush();
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
    expect((JSON.parse(readFileSync(file, 'utf8')) as Snapshot).clients.map((c) => c.clientId)).toEqual(['a']);
    expect(existsSync(join(dirname(file), '.db.json.tmp'))).toBe(false);
  });
});
