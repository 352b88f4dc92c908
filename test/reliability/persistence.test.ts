/**
 * Persistence of the lowdb file store, through the real command line (a child process):
 *  - SIGKILL in the middle of a stream of writes: the file is valid JSON and every
 *    acknowledged write (creates, secrets, deletes) is in it, and in the restarted mock;
 *    no secret the API showed is in the file (hash + hint only);
 *  - a corrupt or unreadable data file at start, or one another mock uses: one clear line, exit 1,
 *    the file untouched;
 *  - SIGTERM while writes are in flight: a prompt exit 0 with every acknowledged write on disk.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startMock } from '../../src/index.js';

const API = '/api/core/oauth-clients';
const AUTH = { authorization: 'Bearer owner-token' };
const JSON_AUTH = { ...AUTH, 'content-type': 'application/json' };

interface Cli {
  child: ChildProcessWithoutNullStreams;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: ChildProcessWithoutNullStreams[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'oauth-mock-persist-'));
  dirs.push(dir);
  return dir;
}

/** The real CLI on a free loopback port with a data file, as a user starts it (through tsx). */
function cli(dataFile: string): Cli {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_FILE: dataFile, LOG_LEVEL: 'silent', SCENARIO: '', SEED_COUNT: '' },
  });
  started.push(child);
  let err = '';
  child.stderr.on('data', (chunk) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, stderr: () => err, exited };
}

/** Resolves with the URL of the startup line. */
function listening(run: Cli): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    run.child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    void run.exited.then(({ code }) => reject(new Error(`the CLI exited (${code}) before listening: ${run.stderr()}`)));
  });
}

interface Snapshot {
  version: number;
  clients: { clientId: string; clientName: string; secrets: { hint: string }[] }[];
}
const readSnapshot = (file: string): Snapshot => JSON.parse(readFileSync(file, 'utf8')) as Snapshot;

describe('SIGKILL in the middle of a stream of writes', () => {
  it('leaves a valid file holding every acknowledged create, secret and delete, and the restarted mock serves them', async () => {
    const dir = tempDir();
    const file = join(dir, 'db.json');
    const first = cli(file);
    const url = await listening(first);

    const created: { id: string; name: string }[] = [];
    const secrets: { id: string; hint: string }[] = [];
    /** Every secret the API showed: none may be in the file. */
    const plaintexts: string[] = [];
    const deleted: string[] = [];
    /** Deletes sent: one in flight at the kill may or may not have reached the disk. */
    const deleteSent = new Set<string>();
    let killed = false;
    let failures = 0;
    const send = async (path: string, init: RequestInit): Promise<Response | undefined> => {
      try {
        return await fetch(`${url}${path}`, init);
      } catch {
        failures++; // the process died under this request: not acknowledged
        return undefined;
      }
    };
    // Creators: every 201 is an acknowledged write.
    const creator = async (w: number) => {
      for (let i = 0; !killed; i++) {
        const name = `kill-test w${w} #${i}`;
        const r = await send(API, { method: 'POST', headers: JSON_AUTH, body: JSON.stringify({ appType: 'web', clientName: name }) });
        if (r?.status === 201) {
          const body = (await r.json()) as { clientId: string; clientSecret: string };
          created.push({ id: body.clientId, name });
          plaintexts.push(body.clientSecret);
        }
        else if (r) throw new Error(`create answered ${r.status}`);
      }
    };
    // Secrets on the even clients, deletes of every third odd one: acknowledged when 201 / 204.
    const churner = async (w: number) => {
      for (let i = w; !killed; ) {
        const target = created[i];
        if (!target) {
          await new Promise((resolve) => setTimeout(resolve, 2));
          continue;
        }
        if (i % 2 === 0) {
          const r = await send(`${API}/${target.id}/client-secrets`, { method: 'POST', headers: AUTH });
          if (r?.status === 201) {
            const body = (await r.json()) as { hint: string; clientSecret: string };
            secrets.push({ id: target.id, hint: body.hint });
            plaintexts.push(body.clientSecret);
          }
        } else if (i % 3 === 0) {
          deleteSent.add(target.id);
          const r = await send(`${API}/${target.id}`, { method: 'DELETE', headers: { ...AUTH, 'qlik-confirm-delete': target.id } });
          if (r?.status === 204) deleted.push(target.id);
        }
        i += 2;
      }
    };
    const workers = [...[0, 1, 2, 3, 4, 5].map(creator), ...[0, 1].map(churner)];
    while (created.length < 120) await new Promise((resolve) => setTimeout(resolve, 5));
    first.child.kill('SIGKILL'); // with requests in flight
    killed = true;
    await Promise.all(workers);
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(failures, 'requests were in flight when the process died').toBeGreaterThan(0);
    expect(secrets.length).toBeGreaterThan(0);
    expect(deleted.length).toBeGreaterThan(0);

    // The file as the killed process left it: whole JSON, every acknowledged write in it.
    const snapshot = readSnapshot(file);
    expect(snapshot.version).toBe(1);
    const byId = new Map(snapshot.clients.map((c) => [c.clientId, c]));
    for (const { id, name } of created) {
      if (deleteSent.has(id)) continue;
      expect(byId.get(id)?.clientName, `acknowledged create ${name}`).toBe(name);
    }
    for (const id of deleted) expect(byId.has(id), `acknowledged delete ${id}`).toBe(false);
    for (const { id, hint } of secrets) expect(byId.get(id)?.secrets.map((s) => s.hint), `acknowledged secret ${hint}`).toContain(hint);
    // Secrets are on disk as hash + hint only.
    const text = readFileSync(file, 'utf8');
    expect(plaintexts.every((p) => /^[0-9a-f]{64}$/.test(p))).toBe(true);
    for (const plaintext of plaintexts) expect(text.includes(plaintext), 'a secret is in the file in plaintext').toBe(false);

    // The restarted mock, on the same file, serves the same data.
    const second = cli(file);
    const url2 = await listening(second);
    const list = (await (await fetch(`${url2}${API}?limit=100&totalResults=true&filter=${encodeURIComponent('clientName sw "kill-test"')}`, { headers: AUTH })).json()) as { totalResults: number };
    expect(list.totalResults).toBe(snapshot.clients.filter((c) => c.clientName.startsWith('kill-test')).length);
    for (const { id, name } of created.slice(-20)) {
      if (deleteSent.has(id)) continue;
      const read = await fetch(`${url2}${API}/${id}`, { headers: AUTH });
      expect(read.status).toBe(200);
      expect(((await read.json()) as { clientName: string }).clientName).toBe(name);
    }
    for (const id of deleted) expect((await fetch(`${url2}${API}/${id}`, { headers: AUTH })).status).toBe(404);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }, 60_000);
});

describe('a data file that cannot be used', () => {
  it.each([
    ['truncated JSON', (file: string) => writeFileSync(file, '{"version":1,"clients":[{"tenantId":"t","clientId":"c"'), /not valid JSON/],
    ['an empty file', (file: string) => writeFileSync(file, ''), /not valid JSON/],
    ['binary garbage', (file: string) => writeFileSync(file, Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x7b])), /not valid JSON/],
    ['JSON of the wrong shape', (file: string) => writeFileSync(file, '{"version":2,"clients":[]}'), /state/],
    ['a file holding null', (file: string) => writeFileSync(file, 'null\n'), /state must be object/],
    ['a file holding a JSON array', (file: string) => writeFileSync(file, '[]'), /state must be object/],
    ['a file holding a JSON string', (file: string) => writeFileSync(file, '"{}"'), /state must be object/],
    ['a file holding a number', (file: string) => writeFileSync(file, '0'), /state must be object/],
    ['a file with a prototype-polluting key', (file: string) => writeFileSync(file, '{"version":1,"clients":[],"__proto__":{"polluted":true}}'), /state/],
    ['a directory instead of a file', (file: string) => mkdirSync(file), /EISDIR/],
  ])('%s: one clear line naming the file, exit 1, the file left untouched', async (_name, make, reason) => {
    const file = join(tempDir(), 'db.json');
    make(file);
    const before = (() => {
      try {
        return readFileSync(file);
      } catch {
        return undefined; // the directory
      }
    })();
    const run = cli(file);
    const { code } = await run.exited;
    expect(code).toBe(1);
    const lines = run.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`cannot use data file ${file}`);
    expect(lines[0]).toMatch(reason);
    expect(lines[0]).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
    if (before) expect(readFileSync(file).equals(before), 'the file is untouched').toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 30_000);

  it('a file that can be read but not replaced: one line at start, exit 1, untouched', async () => {
    const dir = tempDir();
    const file = join(dir, 'db.json');
    writeFileSync(file, '{"version":1,"clients":[]}');
    mkdirSync(join(dir, '.db.json.tmp')); // a write could not create its temp file (root ignores chmod)
    const run = cli(file);
    expect((await run.exited).code).toBe(1);
    const lines = run.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`cannot write data file ${file}`);
    expect(readFileSync(file, 'utf8')).toBe('{"version":1,"clients":[]}');
  }, 30_000);

  it('a second mock on a data file in use: one line naming the first one, exit 1; the first keeps serving and writing', async () => {
    const file = join(tempDir(), 'db.json');
    const first = cli(file);
    const url = await listening(first);
    const second = cli(file);
    expect((await second.exited).code).toBe(1);
    const lines = second.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`cannot use data file ${file}: the mock with pid ${first.child.pid} uses it`);
    const created = await fetch(`${url}${API}`, { method: 'POST', headers: JSON_AUTH, body: JSON.stringify({ appType: 'native', clientName: 'after the refusal' }) });
    expect(created.status).toBe(201);
    expect(readFileSync(file, 'utf8')).toContain('after the refusal');
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    expect(existsSync(`${file}.lock`), 'the lock is gone with the mock').toBe(false);
  }, 30_000);

  it('a write that fails while running: a 500 saying so (not "a bug"), and the next write stores both', async () => {
    const dir = tempDir();
    const file = join(dir, 'db.json');
    const mock = await startMock({ dataFile: file });
    try {
      mkdirSync(join(dir, '.db.json.tmp'));
      const body = JSON.stringify({ appType: 'native', clientName: 'Kept in memory' });
      const headers = { authorization: 'Bearer owner-token', 'content-type': 'application/json' };
      const failed = await fetch(`${mock.url}/api/core/oauth-clients`, { method: 'POST', headers, body });
      expect(failed.status).toBe(500);
      const detail = ((await failed.json()) as { errors: { detail: string }[] }).errors[0].detail;
      expect(detail).toContain(`cannot write data file ${file}`);
      expect(detail).toContain('kept in memory only');
      rmSync(join(dir, '.db.json.tmp'), { recursive: true });
      expect((await fetch(`${mock.url}/api/core/oauth-clients`, { method: 'POST', headers, body })).status).toBe(201);
      const names = (JSON.parse(readFileSync(file, 'utf8')) as { clients: { clientName: string }[] }).clients.map((c) => c.clientName);
      expect(names.filter((n) => n === 'Kept in memory')).toHaveLength(2);
    } finally {
      await mock.close();
    }
  });
});

describe('SIGTERM', () => {
  it('with writes in flight: exits 0 promptly, every acknowledged write on disk', async () => {
    const file = join(tempDir(), 'db.json');
    const run = cli(file);
    const url = await listening(run);
    const acknowledged: string[] = [];
    let firstAck!: () => void;
    const oneAcked = new Promise<void>((resolve) => (firstAck = resolve));
    const writes = Array.from({ length: 20 }, async (_, i) => {
      try {
        const r = await fetch(`${url}${API}`, { method: 'POST', headers: JSON_AUTH, body: JSON.stringify({ appType: 'native', clientName: `term ${i}` }) });
        if (r.status === 201) {
          acknowledged.push(((await r.json()) as { clientId: string }).clientId);
          firstAck();
        }
      } catch {
        // closed by the shutdown before an answer: not acknowledged
      }
    });
    await oneAcked;
    const signalled = performance.now();
    run.child.kill('SIGTERM');
    const { code } = await run.exited;
    const seconds = (performance.now() - signalled) / 1000;
    await Promise.all(writes);
    expect(code).toBe(0);
    expect(seconds, 'exits within a few seconds').toBeLessThan(3);
    const ids = new Set(readSnapshot(file).clients.map((c) => c.clientId));
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const id of acknowledged) expect(ids.has(id), `acknowledged create ${id}`).toBe(true);
  }, 30_000);

  it('when idle: exits 0 and leaves a valid file', async () => {
    const file = join(tempDir(), 'db.json');
    const run = cli(file);
    const url = await listening(run);
    const r = await fetch(`${url}${API}`, { method: 'POST', headers: JSON_AUTH, body: JSON.stringify({ appType: 'spa', clientName: 'last write', allowedOrigins: ['https://a.example.com'] }) });
    expect(r.status).toBe(201);
    const { clientId } = (await r.json()) as { clientId: string };
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
    expect(readSnapshot(file).clients.find((c) => c.clientId === clientId)?.clientName).toBe('last write');
  }, 30_000);
});
