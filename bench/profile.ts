/**
 * Profile the compiled mock under load: `node --import tsx bench/profile.ts <case> [seconds]`
 * (after `npm run build`). Starts `node --cpu-prof dist/cli/main.js`, drives it with
 * autocannon (50 connections), stops it, and prints the functions with the most self time
 * and the files with the most self time. The .cpuprofile stays in bench/results/profiles/
 * (not committed) for Chrome DevTools or speedscope.
 *
 * Cases: get, list, filter, contains (each at 100 clients, or at 10,000 with a `-10k`
 * suffix), create, create-file, startup (profiles a start and the first answer only).
 * PROFILE_LOG=info (or another level) profiles the mock logging at that level, stdout to a file.
 */
import autocannon, { type Request as LoadRequest } from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listeningUrl } from './measure.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'bench/results/profiles');
const API = '/api/core/oauth-clients';
const AUTH = { authorization: 'Bearer bench-token' };
const q = (filter: string) => `${API}?limit=20&sort=-createdAt&filter=${encodeURIComponent(filter)}`;

const [name = 'get', secondsArg = '6'] = process.argv.slice(2);
const large = name.endsWith('-10k');
const kind = name.replace(/-10k$/, '');
const seconds = Number(secondsArg);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const dir = mkdtempSync(join(os.tmpdir(), 'oauth-mock-prof-'));
  const level = process.env.PROFILE_LOG ?? 'silent';
  const args = ['--cpu-prof', '--cpu-prof-dir', dir, join(ROOT, 'dist/cli/main.js'), '--port', '0', '--host', '127.0.0.1', '--log-level', level];
  if (kind !== 'startup') args.push('--seed-count', large ? '10000' : '75', '--faker-seed', '1');
  if (kind === 'create-file') args.push('--data', join(dir, 'db.json'));
  // Logging: stdout is a file, as in a container, read back for the start line.
  const stdoutFile = join(dir, 'stdout');
  const logging = level !== 'silent';
  const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', logging ? openSync(stdoutFile, 'w') : 'pipe', 'inherit'] });
  const url = await listeningUrl(proc, logging ? stdoutFile : undefined);
  if (kind === 'startup') {
    await fetch(`${url}/__mock/health`);
  } else {
    const list = (await (await fetch(`${url}${API}?limit=20`, { headers: AUTH })).json()) as { data: { clientId: string }[] };
    const get = (path: string): LoadRequest => ({ method: 'GET', path, headers: AUTH });
    const requests: Record<string, LoadRequest[]> = {
      get: list.data.map((c) => get(`${API}/${c.clientId}`)),
      list: [get(`${API}?limit=20`)],
      filter: [get(q('appType eq "web"'))],
      contains: [get(q('clientName co "portal"'))],
      create: [{ method: 'POST', path: API, headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify({ appType: 'web', clientName: 'Bench web app', redirectUris: ['https://bench.example.com/cb'] }) }],
    };
    requests['create-file'] = requests.create;
    if (!requests[kind]) throw new Error(`unknown case ${name}`);
    const r = await autocannon({ url, connections: 50, duration: seconds, requests: requests[kind] });
    console.log(`${name}: ${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}`);
  }
  proc.kill('SIGTERM');
  await new Promise((done) => proc.once('exit', done));
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile was written');
  const target = join(OUT, `${name}.cpuprofile`);
  const text = readFileSync(join(dir, file), 'utf8');
  rmSync(dir, { recursive: true, force: true });
  (await import('node:fs')).writeFileSync(target, text);
  summarize(JSON.parse(text) as Profile);
  console.log(`\nprofile: ${relative(ROOT, target)}`);
}

function summarize(profile: Profile): void {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const node of profile.nodes) {
    const t = self.get(node.id) ?? 0;
    if (!t) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url ? url.replace(`file://${ROOT}/`, '').replace(/^.*node_modules\//, 'node_modules/') : '(native)';
    const fn = `${functionName || '(anonymous)'}  ${file}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + t);
    const pkg = file.startsWith('node_modules/') ? file.split('/').slice(0, file.split('/')[1].startsWith('@') ? 3 : 2).join('/') : file;
    byFile.set(pkg, (byFile.get(pkg) ?? 0) + t);
  }
  const pct = (t: number) => `${((t / total) * 100).toFixed(1).padStart(5)}%`;
  console.log(`\nself time by function (total ${(total / 1000).toFixed(0)} ms sampled):`);
  for (const [fn, t] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${pct(t)}  ${fn}`);
  // Inclusive time of our own functions (dist/): a sample counts once for every distinct function on its stack.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const inclusive = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const { functionName, url, lineNumber } = byId.get(n)!.callFrame;
      if (!url.startsWith(`file://${ROOT}/dist/`)) continue;
      const key = `${functionName || '(anonymous)'}  ${url.replace(`file://${ROOT}/`, '')}:${lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
    }
  });
  console.log('\ninclusive time of the mock\'s own functions:');
  for (const [fn, t] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${pct(t)}  ${fn}`);
  console.log('\nself time by file / package:');
  for (const [f, t] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${pct(t)}  ${f}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
