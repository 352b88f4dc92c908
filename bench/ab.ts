/**
 * A/B one change: `node --import tsx bench/ab.ts <a/cli/main.js> <b/cli/main.js> <case> [rounds] [seconds] [clients]`.
 * Starts both builds of the mock (same data), then alternates autocannon runs A, B, A, B, …
 * so both see the same background load, and prints each round and the median B ÷ A.
 * Cases: get, list, filter, contains, create, create-file. Clients: 100 (default) or 10000.
 *
 * A build to compare against: copy `dist/` before a change (with package.json, contract/,
 * fixtures/, scenarios/ and node_modules reachable from its parent, as the CLI expects).
 */
import autocannon, { type Request as LoadRequest } from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

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

function start(main: string, tag: string): Promise<{ url: string; proc: ChildProcess }> {
  const args = [main, '--port', '0', '--host', '127.0.0.1', '--log-level', 'silent', '--seed-count', seed, '--faker-seed', '1'];
  if (kind === 'create-file') args.push('--data', join(tmp, `${tag}.json`));
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((done, fail) => {
    let out = '';
    proc.once('exit', (code) => fail(new Error(`${main} exited with ${code}`)));
    proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        proc.removeAllListeners('exit');
        done({ url: m[1], proc });
      }
    });
  });
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
    const run = async (url: string, requests: LoadRequest[], seconds: number) => {
      const r = await autocannon({ url, connections: 50, duration: seconds, requests });
      if (r.non2xx || r.errors) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      return Math.round(r.requests.average);
    };
    await run(a.url, reqA, 1);
    await run(b.url, reqB, 1);
    const ratios: number[] = [];
    for (let i = 0; i < Number(roundsArg); i++) {
      const [first, second] = i % 2 ? ['b', 'a'] : ['a', 'b'];
      const got: Record<string, number> = {};
      got[first] = await run(first === 'a' ? a.url : b.url, first === 'a' ? reqA : reqB, Number(secondsArg));
      got[second] = await run(second === 'a' ? a.url : b.url, second === 'a' ? reqA : reqB, Number(secondsArg));
      ratios.push(got.b / got.a);
      console.log(`round ${i + 1}: A ${got.a} req/s, B ${got.b} req/s, B/A ${(got.b / got.a).toFixed(2)}`);
    }
    const sorted = [...ratios].sort((x, y) => x - y);
    const mid = sorted.length >> 1;
    const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    console.log(`${kind} (${clientsArg} clients): median B/A ${median.toFixed(2)}`);
  } finally {
    a.proc.kill('SIGTERM');
    b.proc.kill('SIGTERM');
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
