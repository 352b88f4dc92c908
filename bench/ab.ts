/**
 * A/B one change: `node --import tsx bench/ab.ts <a/cli/main.js> <b/cli/main.js> <case> [rounds] [seconds] [clients]`.
 * Starts both builds of the mock (same data), then alternates autocannon runs A, B, A, B, …
 * so both see the same background load, and prints each round and the median B ÷ A, of req/s
 * and of the server's CPU time per request (from /proc: much less noisy on a shared machine).
 * Cases: get, list, filter, contains, create, create-file. Clients: 100 (default) or 10000.
 * AB_LOG=info (or another level; AB_LOG_FORMAT=pretty) runs both at that level with stdout to a
 * file, as in a container; silent otherwise. AB_LOG_A sets A's level alone: `AB_LOG_A=silent
 * AB_LOG=info` with one build twice measures what logging costs. AB_CONNECTIONS: autocannon's
 * connections (50).
 *
 * A build to compare against: copy `dist/` before a change (with package.json, contract/,
 * fixtures/, scenarios/ and node_modules reachable from its parent, as the CLI expects).
 */
import autocannon, { type Request as LoadRequest } from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { cpuMs, listeningUrl, median } from './measure.js';

const API = '/api/core/oauth-clients';
const AUTH = { authorization: 'Bearer bench-token' };
const q = (filter: string) => `${API}?limit=20&sort=-createdAt&filter=${encodeURIComponent(filter)}`;

const [mainA, mainB, kind = 'get', roundsArg = '4', secondsArg = '3', clientsArg = '100'] = process.argv.slice(2);
if (!mainA || !mainB) {
  console.error('usage: bench/ab.ts <a/cli/main.js> <b/cli/main.js> <case> [rounds] [seconds] [clients]');
  process.exit(2);
}
const seed = clientsArg === '10000' ? '10000' : '75';
const tmp = mkdtempSync(join(os.tmpdir(), 'oauth-mock-ab-'));

const LOG_LEVEL = process.env.AB_LOG ?? 'silent';
const LOG_LEVEL_A = process.env.AB_LOG_A ?? LOG_LEVEL;

function start(main: string, tag: 'a' | 'b'): Promise<{ url: string; proc: ChildProcess }> {
  const level = tag === 'a' ? LOG_LEVEL_A : LOG_LEVEL;
  const args = [main, '--port', '0', '--host', '127.0.0.1', '--log-level', level, '--seed-count', seed, '--faker-seed', '1'];
  if (process.env.AB_LOG_FORMAT) args.push('--log-format', process.env.AB_LOG_FORMAT);
  if (kind === 'create-file') args.push('--data', join(tmp, `${tag}.json`));
  // Logging: stdout is a file, as in a container, read back for the start line.
  const stdoutFile = join(tmp, `${tag}.out`);
  const logging = level !== 'silent';
  const proc = spawn(process.execPath, args, { stdio: ['ignore', logging ? openSync(stdoutFile, 'w') : 'pipe', 'inherit'] });
  return listeningUrl(proc, logging ? stdoutFile : undefined).then((url) => ({ url, proc }));
}

async function requestsFor(url: string): Promise<LoadRequest[]> {
  const get = (path: string): LoadRequest => ({ method: 'GET', path, headers: AUTH });
  switch (kind) {
    case 'get': {
      const list = (await (await fetch(`${url}${API}?limit=20`, { headers: AUTH })).json()) as { data: { clientId: string }[] };
      return list.data.map((c) => get(`${API}/${c.clientId}`));
    }
    case 'list':
      return [get(`${API}?limit=20`)];
    case 'filter':
      return [get(q('appType eq "web"'))];
    case 'contains':
      return [get(q('clientName co "portal"'))];
    case 'create':
    case 'create-file':
      return [{ method: 'POST', path: API, headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify({ appType: 'web', clientName: 'Bench web app', redirectUris: ['https://bench.example.com/cb'] }) }];
    default:
      throw new Error(`unknown case ${kind}`);
  }
}

async function main(): Promise<void> {
  const a = await start(mainA, 'a');
  const b = await start(mainB, 'b');
  try {
    const reqA = await requestsFor(a.url);
    const reqB = await requestsFor(b.url);
    const run = async (server: { url: string; proc: ChildProcess }, requests: LoadRequest[], seconds: number) => {
      const cpu = cpuMs(server.proc.pid!);
      const r = await autocannon({ url: server.url, connections: Number(process.env.AB_CONNECTIONS ?? 50), duration: seconds, requests });
      if (r.non2xx || r.errors) throw new Error(`${server.url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      return { rps: Math.round(r.requests.average), cpuUs: ((cpuMs(server.proc.pid!) - cpu) * 1000) / r.requests.total };
    };
    await run(a, reqA, 1);
    await run(b, reqB, 1);
    const rps: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < Number(roundsArg); i++) {
      const order = i % 2 ? (['b', 'a'] as const) : (['a', 'b'] as const);
      const got: Record<string, { rps: number; cpuUs: number }> = {};
      for (const which of order) got[which] = await run(which === 'a' ? a : b, which === 'a' ? reqA : reqB, Number(secondsArg));
      rps.push(got.b.rps / got.a.rps);
      cpu.push(got.b.cpuUs / got.a.cpuUs);
      const show = (x: { rps: number; cpuUs: number }) => `${x.rps} req/s ${x.cpuUs.toFixed(0)} µs CPU/req`;
      console.log(`round ${i + 1}: A ${show(got.a)}, B ${show(got.b)}`);
    }
    console.log(`${kind} (${clientsArg} clients): median B/A req/s ${median(rps).toFixed(2)}, CPU per request ${median(cpu).toFixed(2)}`);
  } finally {
    // Let both flush their data files and exit before their folder goes.
    await Promise.all([a, b].map(({ proc }) => (proc.exitCode !== null ? undefined : new Promise((done) => (proc.once('exit', done), proc.kill('SIGTERM'))))));
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
