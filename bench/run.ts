/**
 * `npm run bench`: the mock against a bare Hono baseline and Prism's mock of the same contract,
 * every server a separate child process running compiled code, each driven by autocannon from
 * this process. Absolute numbers depend on the machine and on whatever else runs on it, so the
 * verdicts are RATIOS between cases measured in the same run.
 *
 * Environment: BENCH_DURATION (seconds per case, default 6), BENCH_WARMUP (default 1.5),
 * BENCH_CONNECTIONS (default 50), BENCH_MOCK_MAIN (another build of the CLI, to compare), BENCH_ONLY (comma-separated phases: mock100, baseline,
 * mock10k, create, prism, startup; for quick looks while optimizing: ratios missing an input
 * show as "n/a" and nothing is written to bench/results).
 */
import autocannon, { type Request as LoadRequest, type Result } from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MOCK_MAIN = process.env.BENCH_MOCK_MAIN ? resolve(process.env.BENCH_MOCK_MAIN) : join(ROOT, 'dist/cli/main.js');
const BASELINE_MAIN = join(ROOT, 'bench/baseline.mjs');
const PRISM_MAIN = join(ROOT, 'node_modules/@stoplight/prism-cli/dist/index.js');
const CONTRACT = join(ROOT, 'contract/oauth-clients.openapi.json');
const RESULTS_DIR = join(ROOT, 'bench/results');

const DURATION = Number(process.env.BENCH_DURATION ?? 6);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1.5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : undefined;
const phase = (name: string) => !ONLY || ONLY.has(name);

const API = '/api/core/oauth-clients';
const AUTH = { authorization: 'Bearer bench-token' };
const LIST = `${API}?limit=20`;
const q = (filter: string) => `${API}?limit=20&sort=-createdAt&filter=${encodeURIComponent(filter)}`;
const FILTERED = q('appType eq "web"');
const CONTAINS = q('clientName co "portal"');
const CREATE_BODY = JSON.stringify({
  appType: 'web',
  clientName: 'Bench web app',
  description: 'Created by the benchmark',
  redirectUris: ['https://bench.example.com/oauth/callback'],
  allowedScopes: ['user_default'],
});
/** 25 fixture clients + 75 generated = 100 in the default tenant; 10,000 generated + 25 ≈ 10,000. */
const SMALL = ['--seed-count', '75', '--faker-seed', '1'];
const LARGE = ['--seed-count', '10000', '--faker-seed', '1'];

// ---------------------------------------------------------------------------------------------
// Child processes

/** Settings of the environment that would override the flags given to the mock. */
const MOCK_ENV = ['PORT', 'HOST', 'DATA_FILE', 'SCENARIO', 'SEED_COUNT', 'FAKER_SEED', 'PUBLIC_BASE_URL', 'LOG_LEVEL', 'CORS_ORIGINS', 'RATE_LIMITS', 'CONTROL_TOKEN', 'NODE_OPTIONS'];
const childEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const name of MOCK_ENV) delete env[name];
  return env;
};

interface Server {
  name: string;
  url: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

const exited = (proc: ChildProcess): Promise<void> =>
  proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((done) => proc.once('exit', () => done()));

async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
  await exited(proc);
  clearTimeout(timer);
}

/** Spawns `node <args>` and waits for its "listening on http://…" line on stdout. */
function startListening(name: string, args: string[]): Promise<Server> {
  const proc = spawn(process.execPath, args, { cwd: ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  return new Promise((resolvePromise, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`${name} did not report listening within 60 s`)), 60_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(new Error(`${error.message}\n${stderr}`));
    };
    proc.once('exit', (code) => fail(new Error(`${name} exited with ${code} before listening`)));
    const onData = (chunk: string) => {
      out += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      proc.removeAllListeners('exit');
      proc.stdout!.off('data', onData);
      proc.stdout!.resume(); // keep draining whatever it logs
      resolvePromise({ name, url: m[1], proc, stop: () => stopProcess(proc) });
    };
    proc.stdout!.setEncoding('utf8').on('data', onData);
  });
}

const startMock = (extra: string[]) =>
  startListening('mock', [MOCK_MAIN, '--port', '0', '--host', '127.0.0.1', '--log-level', 'silent', ...extra]);

function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolvePromise(port));
    });
  });
}

/** Prism cannot report a port it picked, so it gets a free one and is polled until it answers. */
async function startPrism(): Promise<Server> {
  const port = await freePort();
  const proc = spawn(process.execPath, [PRISM_MAIN, 'mock', CONTRACT, '-p', String(port), '-h', '127.0.0.1'], {
    cwd: ROOT,
    env: childEnv(),
    stdio: 'ignore', // Prism logs every request; it writes them, nobody reads them
  });
  const url = `http://127.0.0.1:${port}`;
  await untilStatus(`${url}${LIST}`, 200, 60_000, proc);
  return { name: 'prism', url, proc, stop: () => stopProcess(proc) };
}

/** Resident memory of a child in MB, from /proc (Linux); null elsewhere. */
function rssMB(proc: ChildProcess): number | null {
  try {
    const status = readFileSync(`/proc/${proc.pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return kb ? Math.round(Number(kb[1]) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers

interface Reply {
  status: number;
  text: string;
}

function request(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolvePromise, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Polls every 2 ms until the URL answers `status` (connection errors mean: not yet). */
async function untilStatus(url: string, status: number, timeoutMs: number, proc?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc && (proc.exitCode !== null || proc.signalCode !== null)) throw new Error(`the server exited before answering ${url}`);
    try {
      if ((await request(url, { headers: AUTH })).status === status) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms`);
    await sleep(2);
  }
}

async function expectStatus(url: string, status: number, init: Parameters<typeof request>[1] = {}): Promise<Reply> {
  const reply = await request(url, { ...init, headers: { ...AUTH, ...init.headers } });
  if (reply.status !== status) throw new Error(`${init.method ?? 'GET'} ${url}: expected ${status}, got ${reply.status} ${reply.text.slice(0, 300)}`);
  return reply;
}

// ---------------------------------------------------------------------------------------------
// Load

interface CaseResult {
  id: string;
  label: string;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Answers that were not 2xx, plus errors and timeouts: a valid run has 0. */
  failures: number;
  bytesPerRequest: number;
}

const cases: CaseResult[] = [];

async function load(id: string, label: string, server: Server, requests: LoadRequest[]): Promise<CaseResult> {
  const options = { url: server.url, connections: CONNECTIONS, requests, timeout: 10 };
  await autocannon({ ...options, duration: WARMUP });
  const r: Result = await autocannon({ ...options, duration: DURATION });
  const result: CaseResult = {
    id,
    label,
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    failures: r.non2xx + r.errors + r.timeouts,
    bytesPerRequest: r.requests.total ? Math.round(r.throughput.total / r.requests.total) : 0,
  };
  cases.push(result);
  log(`  ${label.padEnd(52)} ${String(result.rps).padStart(7)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms${result.failures ? `  FAILURES ${result.failures}` : ''}`);
  return result;
}

const get = (path: string): LoadRequest => ({ method: 'GET', path, headers: AUTH });

// ---------------------------------------------------------------------------------------------
// Start to first 200

/** Milliseconds from spawn to the first 200 on `path`, polling every 2 ms. */
async function startToFirst200(args: (port: number) => string[], path: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const proc = spawn(process.execPath, args(port), { cwd: ROOT, env: childEnv(), stdio: 'ignore' });
  try {
    await untilStatus(`http://127.0.0.1:${port}${path}`, 200, 60_000, proc);
    return Math.round(performance.now() - started);
  } finally {
    await stopProcess(proc);
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
};

// ---------------------------------------------------------------------------------------------

const log = (line: string) => process.stdout.write(`${line}\n`);
const memory: Record<string, number | null> = {};
const startup: Record<string, { runs: number[]; median: number }> = {};

async function main(): Promise<void> {
  if (!existsSync(MOCK_MAIN)) throw new Error(`${MOCK_MAIN} is missing: run "npm run build" first (npm run bench does).`);
  const began = Date.now();
  const tmp = mkdtempSync(join(os.tmpdir(), 'oauth-mock-bench-'));
  log(`Benchmark: ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s per case, ${os.cpus().length} cores`);
  try {
    // Bodies of the mock's real answers, so the baseline answers JSON of the same size.
    let bodies: Record<string, unknown> | undefined;

    if (phase('mock100') || phase('baseline')) {
      log('mock, 100 clients (memory)');
      const mock = await startMock(SMALL);
      try {
        await sleep(300);
        memory.idle100 = rssMB(mock.proc);
        const list = JSON.parse((await expectStatus(`${mock.url}${LIST}`, 200)).text) as { data: { clientId: string }[] };
        const ids = list.data.map((c) => c.clientId);
        const one = await expectStatus(`${mock.url}${API}/${ids[0]}`, 200);
        bodies = { '/get': JSON.parse(one.text), '/list': list };
        if (phase('mock100')) {
          await expectStatus(`${mock.url}${FILTERED}`, 200);
          await expectStatus(`${mock.url}${CONTAINS}`, 200);
          await load('get-100', 'mock GET /{id} (100 clients)', mock, ids.map((id) => get(`${API}/${id}`)));
          await load('list-100', 'mock list limit=20 (100 clients)', mock, [get(LIST)]);
          await load('filter-100', 'mock list appType eq "web", -createdAt (100)', mock, [get(FILTERED)]);
          await load('contains-100', 'mock list clientName co "portal", -createdAt (100)', mock, [get(CONTAINS)]);
          memory.loaded100 = rssMB(mock.proc);
        }
      } finally {
        await mock.stop();
      }
    }

    if (phase('baseline') && bodies) {
      log('bare Hono baseline');
      const file = join(tmp, 'bodies.json');
      writeFileSync(file, JSON.stringify(bodies));
      const baseline = await startListening('baseline', [BASELINE_MAIN, '--port', '0', '--host', '127.0.0.1', '--bodies', file]);
      try {
        await sleep(300);
        memory.idleBaseline = rssMB(baseline.proc);
        await load('baseline-get', 'bare Hono, JSON of the GET /{id} body', baseline, [get('/get')]);
        await load('baseline-list', 'bare Hono, JSON of the list body', baseline, [get('/list')]);
        memory.loadedBaseline = rssMB(baseline.proc);
      } finally {
        await baseline.stop();
      }
    }

    if (phase('mock10k')) {
      log('mock, 10,000 clients (memory)');
      const mock = await startMock(LARGE);
      try {
        await sleep(300);
        memory.idle10k = rssMB(mock.proc);
        // The instant after the load depends on where the garbage collector was; the peak shows the range.
        let peak = 0;
        const sampler = setInterval(() => (peak = Math.max(peak, rssMB(mock.proc) ?? 0)), 100);
        const list = JSON.parse((await expectStatus(`${mock.url}${LIST}`, 200)).text) as { data: { clientId: string }[] };
        await expectStatus(`${mock.url}${FILTERED}`, 200);
        await expectStatus(`${mock.url}${CONTAINS}`, 200);
        await load('get-10k', 'mock GET /{id} (10,000 clients)', mock, list.data.map((c) => get(`${API}/${c.clientId}`)));
        await load('list-10k', 'mock list limit=20 (10,000 clients)', mock, [get(LIST)]);
        await load('filter-10k', 'mock list appType eq "web", -createdAt (10,000)', mock, [get(FILTERED)]);
        await load('contains-10k', 'mock list clientName co "portal", -createdAt (10,000)', mock, [get(CONTAINS)]);
        memory.loaded10k = rssMB(mock.proc);
        clearInterval(sampler);
        memory.peak10k = peak || null;
      } finally {
        await mock.stop();
      }
    }

    if (phase('create')) {
      const create: LoadRequest = { method: 'POST', path: API, headers: { ...AUTH, 'content-type': 'application/json' }, body: CREATE_BODY };
      log('mock, create (memory, then a fresh lowdb file; both from 100 clients)');
      const inMemory = await startMock(SMALL);
      try {
        await expectStatus(`${inMemory.url}${API}`, 201, { method: 'POST', headers: create.headers, body: CREATE_BODY });
        await load('create-memory', 'mock POST create (memory store)', inMemory, [create]);
      } finally {
        await inMemory.stop();
      }
      const dataFile = join(tmp, 'bench-db.json');
      rmSync(dataFile, { force: true });
      const onFile = await startMock([...SMALL, '--data', dataFile]);
      try {
        await expectStatus(`${onFile.url}${API}`, 201, { method: 'POST', headers: create.headers, body: CREATE_BODY });
        await load('create-file', 'mock POST create (lowdb file store)', onFile, [create]);
      } finally {
        await onFile.stop();
      }
    }

    if (phase('prism')) {
      log("Prism's mock of the same contract");
      const prism = await startPrism();
      try {
        await load('prism-list', 'Prism mock, list limit=20', prism, [get(LIST)]);
      } finally {
        await prism.stop();
      }
    }

    if (phase('startup')) {
      log('start to first 200 (median of runs, interleaved)');
      const runs: Record<string, number[]> = { mock: [], baseline: [], prism: [] };
      for (let i = 0; i < 5; i++) {
        runs.mock.push(await startToFirst200((port) => [MOCK_MAIN, '--port', String(port), '--host', '127.0.0.1', '--log-level', 'silent'], '/__mock/health'));
        runs.baseline.push(await startToFirst200((port) => [BASELINE_MAIN, '--port', String(port), '--host', '127.0.0.1'], '/'));
        if (i < 3) runs.prism.push(await startToFirst200((port) => [PRISM_MAIN, 'mock', CONTRACT, '-p', String(port), '-h', '127.0.0.1'], LIST));
      }
      for (const [name, values] of Object.entries(runs)) {
        startup[name] = { runs: values, median: median(values) };
        log(`  ${name.padEnd(10)} ${String(startup[name].median).padStart(5)} ms  (runs: ${values.join(', ')})`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  report(Math.round((Date.now() - began) / 1000));
}

// ---------------------------------------------------------------------------------------------
// Report

interface Ratio {
  id: string;
  what: string;
  target: string;
  value: number | null;
  verdict: 'PASS' | 'FAIL' | 'info' | 'n/a';
}

function report(seconds: number): void {
  const rps = (id: string) => cases.find((c) => c.id === id)?.rps;
  const ratio = (a?: number | null, b?: number | null) => (a == null || b == null || b === 0 ? null : Math.round((a / b) * 100) / 100);
  const ratios: Ratio[] = [];
  const add = (id: string, what: string, value: number | null, target?: { atLeast?: number; atMost?: number }) => {
    const verdict: Ratio['verdict'] =
      value === null ? 'n/a' : !target ? 'info' : (target.atLeast === undefined || value >= target.atLeast) && (target.atMost === undefined || value <= target.atMost) ? 'PASS' : 'FAIL';
    const targetText = !target ? '—' : target.atLeast !== undefined ? `≥ ${target.atLeast}` : `≤ ${target.atMost}`;
    ratios.push({ id, what, target: targetText, value, verdict });
  };
  add('1', 'GET /{id} ÷ bare Hono (same body size)', ratio(rps('get-100'), rps('baseline-get')), { atLeast: 0.6 });
  add('2a', 'list limit=20 ÷ bare Hono (same body size)', ratio(rps('list-100'), rps('baseline-list')), { atLeast: 0.5 });
  add('2b', "list limit=20 ÷ Prism's list", ratio(rps('list-100'), rps('prism-list')), { atLeast: 10 });
  add('2c', "(ceiling of 2b) bare Hono's list body ÷ Prism's list", ratio(rps('baseline-list'), rps('prism-list')));
  add('3a', 'appType eq "web", -createdAt: 10,000 ÷ 100 clients', ratio(rps('filter-10k'), rps('filter-100')), { atLeast: 0.5 });
  add('3b', 'clientName co "portal", -createdAt: 10,000 ÷ 100 clients', ratio(rps('contains-10k'), rps('contains-100')), { atLeast: 0.5 });
  add('4', 'POST create: lowdb file ÷ memory', ratio(rps('create-file'), rps('create-memory')), { atLeast: 0.3 });
  add('5a', 'start to first 200: mock ÷ bare Hono', ratio(startup.mock?.median, startup.baseline?.median), { atMost: 3 });
  add('5b', 'start to first 200: mock ÷ Prism', ratio(startup.mock?.median, startup.prism?.median));
  // The strictest reading: the most the process held at any point measured, under load included.
  const rss10k = [memory.idle10k, memory.loaded10k, memory.peak10k].filter((mb): mb is number => mb != null);
  add('6', 'resident memory at 10,000 clients, MB (max of idle, during and after load)', rss10k.length ? Math.max(...rss10k) : null, { atMost: 150 });

  const date = new Date().toISOString();
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const machine = `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB, ${os.platform()} ${os.release()}, Node ${process.version}`;
  const fmt = (n: number | null | undefined, unit = '') => (n == null ? 'n/a' : `${n}${unit}`);
  const lines = [
    `Measured ${date.slice(0, 16).replace('T', ' ')} UTC on ${machine}; ${CONNECTIONS} connections, ${DURATION} s per case after ${WARMUP} s warm-up (run took ${seconds} s).`,
    '',
    '| Case | req/s | p50 ms | p99 ms | bytes/answer |',
    '|---|---:|---:|---:|---:|',
    ...cases.map((c) => `| ${c.label}${c.failures ? ` (**${c.failures} failed**)` : ''} | ${c.rps} | ${c.p50} | ${c.p99} | ${c.bytesPerRequest} |`),
    '',
    '| Start to first 200 (median) | ms | runs |',
    '|---|---:|---|',
    ...Object.entries(startup).map(([name, s]) => `| ${name} | ${s.median} | ${s.runs.join(', ')} |`),
    '',
    '| Resident memory (MB) | idle | after load | peak during load |',
    '|---|---:|---:|---:|',
    `| 100 clients | ${fmt(memory.idle100)} | ${fmt(memory.loaded100)} | |`,
    `| 10,000 clients | ${fmt(memory.idle10k)} | ${fmt(memory.loaded10k)} | ${fmt(memory.peak10k)} |`,
    `| bare Hono (for scale) | ${fmt(memory.idleBaseline)} | ${fmt(memory.loadedBaseline)} | |`,
    '',
    '| # | Ratio | Target | Value | Verdict |',
    '|---|---|---|---:|---|',
    ...ratios.map((r) => `| ${r.id} | ${r.what} | ${r.target} | ${fmt(r.value)} | ${r.verdict} |`),
  ];
  const markdown = lines.join('\n');
  log('');
  log(markdown);

  const failed = cases.filter((c) => c.failures > 0);
  if (failed.length) log(`\nWARNING: cases with failed requests: ${failed.map((c) => c.id).join(', ')} (their figures are not valid).`);
  if (ONLY) {
    log('\n(BENCH_ONLY set: partial run, bench/results not written)');
    return;
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = {
    date,
    machine: { cpu, cores: os.cpus().length, memoryGB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.release()}`, node: process.version },
    settings: { connections: CONNECTIONS, durationSeconds: DURATION, warmupSeconds: WARMUP },
    cases,
    startupMs: startup,
    memoryMB: memory,
    ratios,
    runSeconds: seconds,
  };
  writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(RESULTS_DIR, 'latest.md'), `${markdown}\n`);
  log(`\nWritten: bench/results/latest.json, bench/results/latest.md`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
