/**
 * The request log of the built CLI (dist/, as `npm start`, the image and the installed bin run
 * it), where a thread of its own formats and writes the lines (src/http/stdout-thread.ts). From
 * the sources, as in cli.test.ts, the lines are written without that thread.
 */
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'dist/cli/main.js');
const AUTH = { authorization: 'Bearer owner-token' };

beforeAll(() => {
  // dist/ as the sources are now, not as the last install left it.
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  expect(built.status, built.stderr).toBe(0);
}, 60_000);

function start() {
  const child = spawn(process.execPath, [BIN, '--port', '0', '--host', '127.0.0.1', '--log-format', 'json']);
  let out = '';
  const url = new Promise<string>((done, fail) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /listening on (http:\/\/[^\s"]+)/.exec(out);
      if (m) done(m[1]);
    });
    child.once('exit', (code) => fail(new Error(`exited ${code} before its startup line`)));
  });
  const exited = new Promise<{ code: number | null; at: number }>((done) => child.once('exit', (code) => done({ code, at: performance.now() })));
  return { child, url, exited, output: () => out };
}

/** `count` list requests, 20 at a time, each answered 200. */
async function list(url: string, count: number, tag = 'n'): Promise<void> {
  for (let i = 0; i < count; i += 20) {
    const statuses = await Promise.all(Array.from({ length: Math.min(20, count - i) }, async (_, j) => (await fetch(`${url}/api/v1/oauth-clients?${tag}=${i + j}`, { headers: AUTH })).status));
    expect(statuses.every((s) => s === 200)).toBe(true);
  }
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the condition did not hold within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const lines = (out: string) => out.trim().split('\n').map((l) => JSON.parse(l) as { time: string; msg: string; path?: string });

describe('the built CLI’s request log', () => {
  it('writes the banner, a line for every request in the order they were answered, then the stop line, all as JSON lines', async () => {
    const mock = start();
    const url = await mock.url;
    await list(url, 300);
    await until(() => mock.output().includes('?n=299 200'));
    mock.child.kill('SIGTERM');
    expect((await mock.exited).code).toBe(0);
    const written = lines(mock.output());
    expect(written[0].msg).toMatch(/listening on/);
    expect(written.at(-1)!.msg).toBe('stopped (SIGTERM); bye');
    const requests = written.filter((l) => l.path?.startsWith('/api/v1/oauth-clients?n='));
    expect(new Set(requests.map((l) => l.path)).size).toBe(300);
    const times = written.map((l) => Date.parse(l.time));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('says of each API request what its journal says: path, status, duration, operation, fault, error, session', async () => {
    const mock = start();
    const url = await mock.url;
    const API = `${url}/api/v1/oauth-clients`;
    const session = { ...AUTH, 'x-mock-session': 'log-s1' };
    const sent: [string, RequestInit][] = [
      [`${API}?limit=2&client_secret=hidden`, { headers: AUTH }],
      [`${API}/no-such-client`, { headers: AUTH }],
      [`${API}/%C3%A9t%C3%A9`, { headers: AUTH }],
      [API, { headers: { ...AUTH, prefer: 'code=503' } }],
      [`${API}/no-such-client`, { method: 'DELETE', headers: AUTH }],
      [`${API}?limit=1`, { headers: session }],
    ];
    for (const [target, init] of sent) await (await fetch(target, init)).arrayBuffer();
    const journal = async (headers: Record<string, string>) => ((await (await fetch(`${url}/__mock/requests`, { headers })).json()) as { requests: Entry[] }).requests;
    type Entry = { id: number; time: string; session: string; method: string; path: string; status: number; durationMs: number; operationId: string | null; fault?: string; error?: { detail: string; traceId: string } };
    const entries = [...(await journal({})), ...(await journal({ 'x-mock-session': 'log-s1' }))];
    await until(() => mock.output().includes('?limit=1 200'));
    mock.child.kill('SIGTERM');
    await mock.exited;
    type Line = { time: string; level: string; method: string; path: string; status: number; durationMs: number; operationId?: string; fault?: string; session?: string; detail?: string; traceId?: string };
    const api = (lines(mock.output()) as unknown as Line[]).filter((l) => l.path?.startsWith('/api/'));
    expect(api).toHaveLength(sent.length);
    expect(entries).toHaveLength(sent.length);
    for (const line of api) {
      const entry = entries.find((e) => e.method === line.method && line.path.split('?')[0] === e.path && e.durationMs === line.durationMs && e.status === line.status)!;
      expect(entry, JSON.stringify(line)).toBeDefined();
      expect(line.operationId).toBe(entry.operationId ?? undefined);
      expect(line.fault).toBe(entry.fault);
      expect(line.detail).toBe(entry.error?.detail);
      expect(line.traceId).toBe(entry.error?.traceId);
      expect(line.session).toBe(entry.session === 'default' ? undefined : entry.session);
      expect(line.level).toBe(line.status >= 500 ? 'error' : line.status >= 400 ? 'warn' : 'info');
      // When it was answered: its arrival (to the millisecond) plus its duration.
      const answeredAt = Date.parse(line.time);
      expect(answeredAt).toBeGreaterThanOrEqual(Date.parse(entry.time));
      expect(answeredAt).toBeLessThanOrEqual(Date.parse(entry.time) + entry.durationMs + 1);
    }
    const paths = api.map((l) => l.path);
    expect(paths).toContain('/api/v1/oauth-clients?limit=2&client_secret=%5BREDACTED%5D');
    expect(paths.join(' ')).not.toContain('hidden');
    expect(api.map((l) => l.status)).toEqual(expect.arrayContaining([200, 404, 503]));
    expect(mock.output()).not.toContain('owner-token');
  });

  it('holds the lines while nobody reads its stdout and writes them once read; past 4 MiB of them it drops lines, never answers', async () => {
    const mock = start();
    const url = await mock.url;
    const requestLines = (tag: string) => lines(mock.output()).filter((l) => l.path?.startsWith(`/api/v1/oauth-clients?${tag}=`));
    mock.child.stdout.pause();
    await list(url, 1000);
    mock.child.stdout.resume();
    await until(() => requestLines('n').length === 1000);

    // Lines of some 4 KB each (the path's 2,000 characters, encoded as UTF-16): 4 MiB holds about a thousand.
    mock.child.stdout.pause();
    await list(url, 2500, `${'p'.repeat(2000)}&big`);
    mock.child.stdout.resume();
    // Once the held lines are written, new ones are written again.
    for (let i = 0; !/\?after\d+=0 200/.test(mock.output()); i++) {
      await list(url, 1, `after${i}`);
      await new Promise((r) => setTimeout(r, 100));
      if (i > 100) throw new Error('no line was written after the reader came back');
    }
    const kept = requestLines(`${'p'.repeat(2000)}&big`).length;
    expect(kept).toBeGreaterThan(500);
    expect(kept).toBeLessThan(2500);
    mock.child.kill('SIGTERM');
    expect((await mock.exited).code).toBe(0);
  }, 60_000);

  it('stops on SIGTERM while nobody reads its stdout, waiting at most about two seconds for the lines it holds', async () => {
    const mock = start();
    const url = await mock.url;
    mock.child.stdout.pause();
    await list(url, 1000);
    const sent = performance.now();
    mock.child.kill('SIGTERM');
    const { code, at } = await mock.exited;
    expect(code).toBe(0);
    expect(at - sent).toBeLessThan(8000);
  }, 30_000);

  it('keeps serving when its stdout is closed, and stops cleanly', async () => {
    const mock = start();
    let stderr = '';
    mock.child.stderr.on('data', (chunk) => (stderr += chunk));
    const url = await mock.url;
    mock.child.stdout.destroy();
    await list(url, 600);
    mock.child.kill('SIGTERM');
    expect((await mock.exited).code).toBe(0);
    expect(stderr).toBe('');
  });
});
