/**
 * `npm run bench`: the mock as users run it, against two baselines, on the machine it runs on.
 * Every server is a separate child process running compiled code, driven by autocannon from this
 * process. Absolute numbers depend on the machine and on whatever else runs on it, so the
 * verdicts are RATIOS between cases measured in the same run (see bench/report.ts).
 *
 * The baselines, both bare Hono on @hono/node-server (bench/baseline.mjs):
 *   floor        a precomputed buffer of exactly the mock's answer bytes, with exactly its headers
 *   hand-written `c.json(value)` of the same bodies, serialized per request
 *
 * Phases (BENCH_ONLY=a,b,… runs some; a partial run shows a ratio missing an input as "n/a" and
 * writes nothing to bench/results):
 *   mock100    the mock silent at 100 clients: GET /{id}, list, and the filtered and sorted lists
 *   baseline   the floor and the hand-written Hono handler: GET /{id}, list
 *   logging    the mock at log level info, and at --log-format pretty, stdout to a file: GET /{id}, list;
 *              then what info costs, silent and info mocks paired in one process (bench/log-cost.ts)
 *   latency    p50 and p99 at 1 and at 50 connections: floor, mock silent, mock info → file
 *   mock10k    the mock silent at 10,000 clients: filtered and sorted lists, resident memory
 *   create     POST create at info → file: memory store, then a fresh lowdb file
 *   prism      Prism's mock of the same contract: list (information only)
 *   sessions   GET without a session header beside 200 idle sessions, a session's cost
 *              (n/a unless POST /__mock/sessions answers 201)
 *   startup    spawn to first 200: compiled CLI, bare Hono, Prism
 *   npmstart   `npm start` as the README says, against an `npm start` that only execs node
 *   inprocess  importing the package, startMock() to its first 200, 50 mocks as a test file makes them
 * The first four share their servers (started once, cases interleaved), so a ratio's two sides
 * are measured next to each other. Their throughput cases run in BENCH_ROUNDS rounds (default
 * 3), each round every server once in a rotated order, and report the median round: on a shared
 * machine throughput drifts by 20 % within a minute, and one pass made that drift a ratio.
 *
 * Environment: BENCH_DURATION (seconds per load case and round, default 5; the 100-client
 * throughput cases take a third of it per round), BENCH_WARMUP (default 1),
 * BENCH_CONNECTIONS (throughput cases, default 20), BENCH_MOCK_MAIN (another build of the CLI,
 * to compare; its ../index.js is the package imported in process), BENCH_LOG_PROCESSES (child
 * processes of the paired logging measure per route, default 10, 5 rounds of 1 s each), BENCH_ONLY.
 */
import autocannon, { type Request as LoadRequest } from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { measureLogCost, spread } from './log-cost.js';
import { json, markdown, median, rows, type AnswerInfo, type CaseResult, type Results, type Runs } from './report.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MOCK_MAIN = process.env.BENCH_MOCK_MAIN ? resolve(process.env.BENCH_MOCK_MAIN) : join(ROOT, 'dist/cli/main.js');
const PACKAGE_MAIN = join(dirname(MOCK_MAIN), '..', 'index.js');
const BASELINE_MAIN = join(ROOT, 'bench/baseline.mjs');
const IN_PROCESS_MAIN = join(ROOT, 'bench/in-process.mjs');
const PRISM_MAIN = join(ROOT, 'node_modules/@stoplight/prism-cli/dist/index.js');
const CONTRACT = join(ROOT, 'contract/oauth-clients.openapi.json');
const RESULTS_DIR = join(ROOT, 'bench/results');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const DURATION = Number(process.env.BENCH_DURATION ?? 5);
/** Rounds of the 100-client throughput cases: each round runs every server once, in a rotated order. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ROUND_DURATION = Math.max(1, Math.round(DURATION / 3));
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const LATENCY_CONNECTIONS = [1, 50];
const LOG_PROCESSES = Number(process.env.BENCH_LOG_PROCESSES ?? 10);

const PHASES = ['mock100', 'baseline', 'logging', 'latency', 'mock10k', 'create', 'prism', 'sessions', 'startup', 'npmstart', 'inprocess'] as const;
type Phase = (typeof PHASES)[number];
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : undefined;
for (const name of ONLY ?? []) {
  if (!(PHASES as readonly string[]).includes(name)) throw new Error(`BENCH_ONLY: unknown phase "${name}"; phases: ${PHASES.join(', ')}`);
}
const phase = (name: Phase) => !ONLY || ONLY.has(name);

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

/** How the mock is run: as a test run quiets it, as a container runs it, as a terminal shows it. */
const LOG_MODES = {
  silent: { label: 'mock silent', args: ['--log-level', 'silent'] },
  info: { label: 'mock info → file', args: ['--log-level', 'info'] },
  pretty: { label: 'mock pretty → file', args: ['--log-format', 'pretty', '--log-level', 'info'] },
} as const;
type LogMode = keyof typeof LOG_MODES;

const results: Results = {
  settings: { connections: CONNECTIONS, durationSeconds: DURATION, warmupSeconds: WARMUP, rounds: ROUNDS, roundSeconds: ROUND_DURATION },
  startScript: (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts?: { start?: string } }).scripts?.start ?? '(none)',
  answers: [],
  cases: [],
  latency: [],
  memoryMB: {},
  logCost: {},
  startupMs: {},
  inProcess: {},
  notApplicable: {},
  phaseSeconds: {},
};

const log = (line: string): void => void process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
/** The run's temporary folder: servers' stdout files, bodies, data files. */
let TMP = '';

// ---------------------------------------------------------------------------------------------
// Child processes

/** Settings of the environment that would override the flags given to the mock. */
const MOCK_ENV = ['PORT', 'HOST', 'DATA_FILE', 'SCENARIO', 'SEED_COUNT', 'FAKER_SEED', 'PUBLIC_BASE_URL', 'LOG_LEVEL', 'LOG_FORMAT', 'CORS_ORIGINS', 'RATE_LIMITS', 'CONTROL_TOKEN', 'NODE_OPTIONS'];
const childEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const name of MOCK_ENV) delete env[name];
  return env;
};

interface Server {
  name: string;
  url: string;
  proc: ChildProcess;
  /** The file the server's stdout goes to (what it logs lands there, as in a container). */
  logFile: string;
  stop(): Promise<void>;
}

/** A server that exited before it listened: with status 2, the CLI refused its flags. */
class ExitedBeforeListening extends Error {
  constructor(
    name: string,
    readonly status: number | null,
    readonly stderr: string,
  ) {
    super(`${name} exited with ${status} before listening\n${stderr}`);
  }
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

let logFiles = 0;

/**
 * Spawns `node <args>` with stdout going to a temporary file (a file descriptor, not a pipe this
 * process reads: a pipe's reader would be part of what is measured) and waits for the
 * "listening on http://…" line to appear in it.
 */
function startListening(name: string, args: string[]): Promise<Server> {
  const logFile = join(TMP, `${name}-${++logFiles}.log`);
  const fd = openSync(logFile, 'w');
  const proc = spawn(process.execPath, args, { cwd: ROOT, env: childEnv(), stdio: ['ignore', fd, 'pipe'] });
  closeSync(fd); // the child has its own copy
  let stderr = '';
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  return new Promise((resolvePromise, reject) => {
    const deadline = Date.now() + 60_000;
    const poll = () => {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        // Let the last of stderr arrive before reporting it.
        return void setTimeout(() => reject(new ExitedBeforeListening(name, proc.exitCode, stderr.trim())), 50);
      }
      const m = /listening on (http:\/\/\S+)/.exec(readFileSync(logFile, 'utf8'));
      if (m) return resolvePromise({ name, url: m[1], proc, logFile, stop: () => stopProcess(proc) });
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        return reject(new Error(`${name} did not report listening within 60 s\n${stderr}`));
      }
      setTimeout(poll, 5);
    };
    poll();
  });
}

const startMock = (mode: LogMode, extra: string[]) =>
  startListening(`mock-${mode}`, [MOCK_MAIN, '--port', '0', '--host', '127.0.0.1', ...LOG_MODES[mode].args, ...extra]);

/**
 * The mock in a mode it may not support yet (a flag another change adds): a refusal of its flags
 * (status 2 before listening) is recorded as n/a with the CLI's reason instead of failing the run.
 */
async function startMockIfSupported(mode: LogMode, extra: string[]): Promise<Server | undefined> {
  try {
    return await startMock(mode, extra);
  } catch (error) {
    if (!(error instanceof ExitedBeforeListening) || error.status !== 2) throw error;
    const message = error.stderr.split('\n')[0].replace(/^[^:]+: error: /, '').replace(/ \(see --help\)$/, '');
    const reason = `the CLI refused ${LOG_MODES[mode].args.join(' ')}: exit 2, "${message}"`;
    results.notApplicable[`mock-${mode}`] = reason;
    log(`  ${LOG_MODES[mode].label}: n/a, ${reason}`);
    return undefined;
  }
}

const startBaseline = (name: string, option: '--bodies' | '--answers', file: string) =>
  startListening(name, [BASELINE_MAIN, '--port', '0', '--host', '127.0.0.1', option, file]);

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
  return { name: 'prism', url, proc, logFile: '', stop: () => stopProcess(proc) };
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

const fileSize = (file: string) => (file && existsSync(file) ? statSync(file).size : 0);

/** Runs `node <args>` to its end and parses the one JSON line it prints. */
function runJsonChild<T>(args: string[]): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(process.execPath, args, { cwd: ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    proc.once('exit', (code) => (code === 0 ? resolvePromise(JSON.parse(out) as T) : reject(new Error(`node ${args.join(' ')} exited with ${code}\n${err}`))));
  });
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers

interface Reply {
  status: number;
  text: string;
  body: Buffer;
  /** Names and values in the order they came, as Node's `rawHeaders`. */
  rawHeaders: string[];
}

function request(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolvePromise, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolvePromise({ status: res.statusCode ?? 0, text: body.toString('utf8'), body, rawHeaders: res.rawHeaders });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

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

const get = (path: string, headers: Record<string, string> = {}): LoadRequest => ({ method: 'GET', path, headers: { ...AUTH, ...headers } });

/** GET /{id} of the first page's twenty clients, in turn. */
async function getRequests(server: Server): Promise<LoadRequest[]> {
  const list = JSON.parse((await expectStatus(`${server.url}${LIST}`, 200)).text) as { data: { clientId: string }[] };
  return list.data.map((c) => get(`${API}/${c.clientId}`));
}

/** The value at quantile `p` of sorted values, to 0.01. */
const quantile = (sorted: number[], p: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] * 100) / 100 : 0);

/**
 * Warm-up, then the measured run. A latency case keeps every answer's time itself: autocannon's
 * histogram keeps whole milliseconds, and at 1 connection an answer takes a fraction of one.
 */
/** One load case; `keep: false` returns the result without adding it to the results. */
async function load(id: string, label: string, server: Server, requests: LoadRequest[], options: { connections?: number; latency?: boolean; duration?: number; keep?: boolean } = {}): Promise<CaseResult> {
  const connections = options.connections ?? CONNECTIONS;
  const base = { url: server.url, connections, requests, timeout: 10 };
  await autocannon({ ...base, duration: WARMUP });
  const logBefore = fileSize(server.logFile);
  const run = autocannon({ ...base, duration: options.duration ?? DURATION });
  const times: number[] = [];
  if (options.latency) run.on('response', (_client, status, _bytes, ms) => void (status >= 200 && status < 300 && times.push(ms)));
  const r = await run;
  times.sort((a, b) => a - b);
  const result: CaseResult = {
    id,
    label,
    connections,
    rps: Math.round(r.requests.average),
    p50: options.latency ? quantile(times, 0.5) : r.latency.p50,
    p99: options.latency ? quantile(times, 0.99) : r.latency.p99,
    requests: r.requests.total,
    failures: r.non2xx + r.errors + r.timeouts,
    bytesPerRequest: r.requests.total ? Math.round(r.throughput.total / r.requests.total) : 0,
  };
  if (server.logFile && r.requests.total) result.logBytesPerRequest = Math.round((fileSize(server.logFile) - logBefore) / r.requests.total);
  if (options.keep !== false) (options.latency ? results.latency : results.cases).push(result);
  const logged = result.logBytesPerRequest ? `  log ${result.logBytesPerRequest} B/answer` : '';
  log(
    `  ${label.padEnd(58)} ${String(connections).padStart(2)} conn ${String(result.rps).padStart(7)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms  ${result.bytesPerRequest} B/answer${logged}` +
      (result.failures ? `  FAILURES ${result.failures}` : ''),
  );
  return result;
}

interface LoadCase {
  id: string;
  label: string;
  server: Server;
  requests: LoadRequest[];
}

/**
 * Cases compared with each other, measured in ROUNDS rounds (the order rotated each round, so
 * no case is always first or last); each reports its median round, whose req/s are listed.
 */
async function loadInRounds(cases: LoadCase[]): Promise<void> {
  const rounds: CaseResult[][] = cases.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < cases.length; k++) {
      const i = (k + round) % cases.length;
      const { id, label, server, requests } = cases[i];
      rounds[i].push(await load(id, `${label} (round ${round + 1})`, server, requests, { duration: ROUND_DURATION, keep: false }));
    }
  }
  for (const [i, runs] of rounds.entries()) {
    const sorted = [...runs].sort((a, b) => a.rps - b.rps);
    const middle = sorted[Math.floor(sorted.length / 2)];
    const result: CaseResult = { ...middle, label: cases[i].label, requests: runs.reduce((n, r) => n + r.requests, 0), failures: runs.reduce((n, r) => n + r.failures, 0), rounds: runs.map((r) => r.rps) };
    results.cases.push(result);
    log(`  ${result.label.padEnd(58)} median ${String(result.rps).padStart(7)} req/s  (rounds: ${result.rounds!.join(', ')})`);
  }
}

// ---------------------------------------------------------------------------------------------
// The floor: the mock's own answers, replayed

/** Headers Node's HTTP server writes on every answer by itself: the floor's server writes them too. */
const NODE_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/** Asked for on a connection-per-request helper, so the answers carry the headers of a kept-alive connection, as under load. */
const KEEP_ALIVE = { connection: 'keep-alive' };

interface RecordedAnswer {
  path: string;
  reply: Reply;
}

const headerNames = (reply: Reply) => reply.rawHeaders.filter((_, i) => i % 2 === 0);
/** The headers the application chose (not Node), as an object in the order they were written. */
function appHeaders(reply: Reply): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i < reply.rawHeaders.length; i += 2) {
    if (!NODE_HEADERS.has(reply.rawHeaders[i].toLowerCase())) headers[reply.rawHeaders[i]] = reply.rawHeaders[i + 1];
  }
  return headers;
}

/** The answers file of bench/baseline.mjs --answers: each path (its query ignored by Hono's router) to the bytes. */
function writeAnswers(recorded: RecordedAnswer[]): string {
  const file = join(TMP, 'answers.json');
  const answers = Object.fromEntries(recorded.map(({ path, reply }) => [path.split('?')[0], { headers: appHeaders(reply), body: reply.body.toString('base64') }]));
  writeFileSync(file, JSON.stringify(answers));
  return file;
}

/** The floor must send what the mock sends: the same body bytes, the same header names and values. */
async function checkFloor(floor: Server, recorded: RecordedAnswer[]): Promise<void> {
  for (const { path, reply } of recorded) {
    const replayed = await expectStatus(`${floor.url}${path}`, 200, { headers: KEEP_ALIVE });
    const same = replayed.body.equals(reply.body) && JSON.stringify(appHeaders(replayed)) === JSON.stringify(appHeaders(reply)) && headerNames(replayed).join() === headerNames(reply).join();
    if (!same) throw new Error(`the floor does not send the mock's bytes for ${path}: ${headerNames(replayed).join(', ')} vs ${headerNames(reply).join(', ')}`);
  }
}

const meanBytes = (replies: Reply[]) => Math.round(replies.reduce((sum, r) => sum + r.body.length, 0) / replies.length);

// ---------------------------------------------------------------------------------------------
// Phases

type Kind = 'floor' | 'baseline' | LogMode;
const KIND_LABEL: Record<Kind, string> = {
  floor: "floor: bare Hono, the mock's bytes",
  baseline: 'hand-written Hono: c.json(value)',
  ...Object.fromEntries(Object.entries(LOG_MODES).map(([mode, m]) => [mode, m.label])),
} as Record<Kind, string>;
const ROUTES = [
  { route: 'get', label: 'GET /{id}' },
  { route: 'list', label: 'list limit=20' },
] as const;

/**
 * 100 clients: the floor, the hand-written handler and the mock in each log mode, all started
 * first and idle while another is measured, so that each route's cases run one after the other.
 */
async function at100Clients(): Promise<void> {
  const throughput: Record<Kind, boolean> = { floor: phase('baseline'), baseline: phase('baseline'), silent: phase('mock100'), info: phase('logging'), pretty: phase('logging') };
  const latency: Kind[] = phase('latency') ? ['floor', 'silent', 'info'] : [];
  log('100 clients: floor, hand-written Hono, mock silent / info → file / pretty → file');
  const servers: Partial<Record<Kind, Server>> = {};
  const requests: Partial<Record<Kind, Record<'get' | 'list', LoadRequest[]>>> = {};
  try {
    // The silent mock is the source of the baselines' bytes, whatever is measured.
    servers.silent = await startMock('silent', SMALL);
    const ids = await getRequests(servers.silent);
    const record = async (path: string): Promise<RecordedAnswer> => ({ path, reply: await expectStatus(`${servers.silent!.url}${path}`, 200, { headers: KEEP_ALIVE }) });
    const recordedGets = await Promise.all(ids.map(({ path }) => record(path!)));
    const recordedList = await record(LIST);
    requests.silent = { get: ids, list: [get(LIST)] };

    if (throughput.floor || latency.includes('floor')) {
      servers.floor = await startBaseline('floor', '--answers', writeAnswers([...recordedGets, recordedList]));
      await checkFloor(servers.floor, [...recordedGets, recordedList]);
      requests.floor = { get: ids, list: [get(LIST)] };
    }
    if (throughput.baseline) {
      const file = join(TMP, 'bodies.json');
      writeFileSync(file, JSON.stringify({ '/get': JSON.parse(recordedGets[0].reply.text), '/list': JSON.parse(recordedList.reply.text) }));
      servers.baseline = await startBaseline('baseline', '--bodies', file);
      requests.baseline = { get: [get('/get')], list: [get('/list')] };
    }
    const handWritten = servers.baseline && {
      get: await expectStatus(`${servers.baseline.url}/get`, 200, { headers: KEEP_ALIVE }),
      list: await expectStatus(`${servers.baseline.url}/list`, 200, { headers: KEEP_ALIVE }),
    };
    results.answers = [
      { route: `GET /{id} (mean of ${recordedGets.length} clients)`, bodyBytes: meanBytes(recordedGets.map((r) => r.reply)), mockHeaders: headerNames(recordedGets[0].reply), floorHeaders: headerNames(recordedGets[0].reply), handWrittenHeaders: handWritten && headerNames(handWritten.get) },
      { route: 'list limit=20', bodyBytes: recordedList.reply.body.length, mockHeaders: headerNames(recordedList.reply), floorHeaders: headerNames(recordedList.reply), handWrittenHeaders: handWritten && headerNames(handWritten.list) },
    ] satisfies AnswerInfo[];
    for (const a of results.answers) log(`  answers, ${a.route}: ${a.bodyBytes} B of body; mock = floor: ${a.mockHeaders.join(', ')}; hand-written: ${a.handWrittenHeaders?.join(', ') ?? 'n/a'}`);

    for (const mode of ['info', 'pretty'] as const) {
      if (!throughput[mode] && !latency.includes(mode)) continue;
      const server = await startMockIfSupported(mode, SMALL);
      if (!server) continue;
      servers[mode] = server;
      requests[mode] = { get: await getRequests(server), list: [get(LIST)] };
    }

    // Memory of the servers that are measured (the silent mock may be there only for its bytes).
    const measured = (Object.keys(servers) as Kind[]).filter((kind) => throughput[kind] || latency.includes(kind));
    await sleep(300);
    for (const kind of measured) results.memoryMB[`${kind}.idle`] = rssMB(servers[kind]!.proc);

    for (const { route, label } of ROUTES) {
      const kinds = (Object.keys(KIND_LABEL) as Kind[]).filter((kind) => throughput[kind] && servers[kind]);
      await loadInRounds(kinds.map((kind) => ({ id: `${route}-${kind}`, label: `${KIND_LABEL[kind]}, ${label}`, server: servers[kind]!, requests: requests[kind]![route] })));
    }
    if (throughput.silent) {
      await load('filter-100', 'mock silent, list appType eq "web", -createdAt', servers.silent, [get(FILTERED)]);
      await load('contains-100', 'mock silent, list clientName co "portal", -createdAt', servers.silent, [get(CONTAINS)]);
    }
    for (const { route, label } of ROUTES) {
      for (const connections of LATENCY_CONNECTIONS) {
        for (const kind of latency) {
          const server = servers[kind];
          if (server) await load(`lat-${route}-${kind}-c${connections}`, `latency: ${KIND_LABEL[kind]}, ${label}`, server, requests[kind]![route], { connections, latency: true });
        }
      }
    }
    for (const kind of measured) results.memoryMB[`${kind}.after`] = rssMB(servers[kind]!.proc);
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
  }
}

/**
 * What info costs, from a silent and an info mock in one child process, alternated round by
 * round, over LOG_PROCESSES processes: separate processes of one build differ by more than the
 * 10 % this measures (bench/log-cost.ts).
 */
async function logCost(): Promise<void> {
  if (results.notApplicable['mock-info']) return;
  for (const { route, label } of ROUTES) {
    log(`what logging costs, ${label}: a silent and an info mock in each of ${LOG_PROCESSES} processes, 5 rounds of 1 s`);
    const got = await measureLogCost({ route, rounds: 5, seconds: 1, processes: LOG_PROCESSES, packageMain: PACKAGE_MAIN });
    results.logCost[route] = { processes: LOG_PROCESSES, ...got };
    log(`  info ÷ silent: req/s ${spread(got.rps)}, CPU per request ${spread(got.cpu)}; best round ÷ best round per process ${spread(got.best)}`);
  }
}

async function at10kClients(): Promise<void> {
  log('mock silent, 10,000 clients');
  const mock = await startMock('silent', LARGE);
  try {
    await sleep(300);
    results.memoryMB['10k.idle'] = rssMB(mock.proc);
    // The instant after the load depends on where the garbage collector was; the peak shows the range.
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMB(mock.proc) ?? 0)), 100);
    await expectStatus(`${mock.url}${FILTERED}`, 200);
    await expectStatus(`${mock.url}${CONTAINS}`, 200);
    await load('get-10k', 'mock silent, GET /{id} (10,000 clients)', mock, await getRequests(mock));
    await load('list-10k', 'mock silent, list limit=20 (10,000 clients)', mock, [get(LIST)]);
    await load('filter-10k', 'mock silent, list appType eq "web", -createdAt (10,000)', mock, [get(FILTERED)]);
    await load('contains-10k', 'mock silent, list clientName co "portal", -createdAt (10,000)', mock, [get(CONTAINS)]);
    results.memoryMB['10k.after'] = rssMB(mock.proc);
    clearInterval(sampler);
    results.memoryMB['10k.peak'] = peak || null;
  } finally {
    await mock.stop();
  }
}

/** Creates as users run them: at the default log level, stdout to a file. */
async function creates(): Promise<void> {
  const headers = { ...AUTH, 'content-type': 'application/json' };
  const create: LoadRequest = { method: 'POST', path: API, headers, body: CREATE_BODY };
  log('mock info → file, create (memory, then a fresh lowdb file; both from 100 clients)');
  const inMemory = await startMock('info', SMALL);
  try {
    await expectStatus(`${inMemory.url}${API}`, 201, { method: 'POST', headers, body: CREATE_BODY });
    await load('create-memory', 'mock info → file, POST create (memory store)', inMemory, [create]);
  } finally {
    await inMemory.stop();
  }
  const dataFile = join(TMP, 'bench-db.json');
  rmSync(dataFile, { force: true });
  const onFile = await startMock('info', [...SMALL, '--data', dataFile]);
  try {
    await expectStatus(`${onFile.url}${API}`, 201, { method: 'POST', headers, body: CREATE_BODY });
    await load('create-file', 'mock info → file, POST create (lowdb file store)', onFile, [create]);
  } finally {
    await onFile.stop();
  }
}

async function prism(): Promise<void> {
  log("Prism's mock of the same contract");
  const server = await startPrism();
  try {
    await load('prism-list', 'Prism mock, list limit=20', server, [get(LIST)]);
  } finally {
    await server.stop();
  }
}

const SESSION_COUNT = 200;

/** POST /__mock/sessions, and the ms it took; throws unless it answered 201. */
async function createSession(url: string, name: string): Promise<number> {
  const started = performance.now();
  await expectStatus(`${url}/__mock/sessions`, 201, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
  return performance.now() - started;
}

/**
 * Sessions (`x-mock-session: <name>`, each a whole mock world): requests without the header must
 * not pay for the sessions that exist, and a session's cost in time and memory says how many a
 * test run can use. Measured only once the mock has them.
 */
async function sessions(): Promise<void> {
  log('sessions (mock silent, 100 clients)');
  const mock = await startMock('silent', [...SMALL, '--max-sessions', '1000']);
  try {
    const probe = await request(`${mock.url}/__mock/sessions`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench-probe' }) });
    if (probe.status !== 201) {
      results.notApplicable.sessions = `POST /__mock/sessions answered ${probe.status}, not 201`;
      return log(`  n/a: ${results.notApplicable.sessions}`);
    }
    await request(`${mock.url}/__mock/sessions/bench-probe`, { method: 'DELETE', headers: AUTH });
    const gets = await getRequests(mock);
    await load('sessions-get-before', 'mock silent, GET /{id} without a session header, no sessions', mock, gets);
    await sleep(300);
    const rssBeforeMB = rssMB(mock.proc);
    const createMs: number[] = [];
    const withFirstGetMs: number[] = [];
    for (let i = 1; i <= SESSION_COUNT; i++) {
      const name = `bench-${i}`;
      const started = performance.now();
      createMs.push(await createSession(mock.url, name));
      await expectStatus(`${mock.url}${LIST}`, 200, { headers: { 'x-mock-session': name } });
      withFirstGetMs.push(performance.now() - started);
    }
    await sleep(300);
    const rssAfterMB = rssMB(mock.proc);
    await load('sessions-get-after', `mock silent, GET /{id} without a session header, ${SESSION_COUNT} idle sessions`, mock, gets);
    const runs = (values: number[]): Runs => {
      const rounded = values.map((ms) => Math.round(ms * 100) / 100);
      return { runs: rounded, median: median(rounded) };
    };
    results.sessions = { createMs: runs(createMs), createWithFirstGetMs: runs(withFirstGetMs), count: SESSION_COUNT, rssBeforeMB, rssAfterMB };
    log(`  create ${results.sessions.createMs.median} ms, with its first GET ${results.sessions.createWithFirstGetMs.median} ms (medians); RSS ${rssBeforeMB} → ${rssAfterMB} MB`);
  } finally {
    await mock.stop();
  }
}

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

const runsOf = (values: number[]): Runs => ({ runs: values, median: median(values) });

function logRuns(name: string, r: Runs, unit = 'ms'): void {
  log(`  ${name.padEnd(22)} ${String(r.median).padStart(7)} ${unit}  (runs: ${r.runs.join(', ')})`);
}

async function startup(): Promise<void> {
  log('start to first 200 (median of runs, interleaved)');
  const runs: Record<string, number[]> = { mock: [], baseline: [], prism: [] };
  for (let i = 0; i < 5; i++) {
    runs.mock.push(await startToFirst200((port) => [MOCK_MAIN, '--port', String(port), '--host', '127.0.0.1', '--log-level', 'silent'], '/__mock/health'));
    runs.baseline.push(await startToFirst200((port) => [BASELINE_MAIN, '--port', String(port), '--host', '127.0.0.1'], '/'));
    if (i < 3) runs.prism.push(await startToFirst200((port) => [PRISM_MAIN, 'mock', CONTRACT, '-p', String(port), '-h', '127.0.0.1'], LIST));
  }
  for (const [name, values] of Object.entries(runs)) logRuns(name, (results.startupMs[name] = runsOf(values)));
}

/**
 * Ends a process started as the leader of its own group, and everything it started: npm runs its
 * script in a shell, which may run node in a child of its own (tsx does).
 */
async function stopGroup(proc: ChildProcess): Promise<void> {
  const signal = (name: NodeJS.Signals | 0) => {
    try {
      process.kill(-proc.pid!, name);
      return true;
    } catch {
      return false; // the group is gone
    }
  };
  signal('SIGTERM');
  const killAt = Date.now() + 3000;
  const giveUpAt = killAt + 2000;
  while (signal(0) && Date.now() < giveUpAt) {
    if (Date.now() > killAt) signal('SIGKILL');
    await sleep(10);
  }
  await exited(proc);
}

/** `npm start -- --port N --host 127.0.0.1` in `cwd`, to the first 200 on /__mock/health. */
async function npmStartToFirst200(cwd: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const proc = spawn(NPM, ['start', '--', '--port', String(port), '--host', '127.0.0.1'], { cwd, env: childEnv(), stdio: 'ignore', detached: true });
  try {
    await untilStatus(`http://127.0.0.1:${port}/__mock/health`, 200, 60_000, proc);
    return Math.round(performance.now() - started);
  } finally {
    await stopGroup(proc);
  }
}

/**
 * "npm start" as the README says, against the least an npm start can cost: a package whose start
 * script only execs the compiled CLI. npm itself takes 200-400 ms, so both sides keep it.
 */
async function npmStart(): Promise<void> {
  log(`npm start to first 200 (median of runs, interleaved): the project's "${results.startScript}" vs "exec node dist/cli/main.js"`);
  const bare = join(TMP, 'npm-start-exec-node');
  mkdirSync(bare, { recursive: true });
  const pkg = { name: 'bench-npm-start', private: true, scripts: { start: `exec node ${JSON.stringify(MOCK_MAIN)}` } };
  writeFileSync(join(bare, 'package.json'), JSON.stringify(pkg, null, 2));
  const runs: Record<string, number[]> = { 'npm start': [], 'npm start exec node': [] };
  for (let i = 0; i < 5; i++) {
    runs['npm start'].push(await npmStartToFirst200(ROOT));
    runs['npm start exec node'].push(await npmStartToFirst200(bare));
  }
  for (const [name, values] of Object.entries(runs)) logRuns(name, (results.startupMs[name] = runsOf(values)));
}

/** A fixture client of the default identity's tenant: GET /{id} answers 200 in any fresh mock. */
function fixtureClientPath(): string {
  const { clients } = JSON.parse(readFileSync(join(ROOT, 'fixtures/clients.json'), 'utf8')) as { clients: { tenantId: string; clientId: string }[] };
  const identities = JSON.parse(readFileSync(join(ROOT, 'fixtures/identities.json'), 'utf8')) as { default: { tenantId: string } };
  return `${API}/${clients.find((c) => c.tenantId === identities.default.tenantId)!.clientId}`;
}

const IMPORT_RUNS = 9;
const START_RUNS = 21;
const TEST_FILE_MOCKS = 50;

/** What a test process pays: importing the package, startMock() to its first 200, a file of tests. */
async function inProcess(): Promise<void> {
  log('in process (fresh child processes, times taken inside them)');
  const pkg = pathToFileURL(PACKAGE_MAIN).href;
  const importPackage: number[] = [];
  const importHono: number[] = [];
  const importMs = async (specifiers: string[]) => (await runJsonChild<{ ms: number }>([IN_PROCESS_MAIN, 'import', ...specifiers])).ms;
  for (let i = 0; i < IMPORT_RUNS; i++) {
    // Alternate which goes first, so neither always follows the other's disk cache warm-up.
    const pair = [async () => void importPackage.push(await importMs([pkg])), async () => void importHono.push(await importMs(['hono', '@hono/node-server']))];
    for (const step of i % 2 ? pair.reverse() : pair) await step();
  }
  logRuns('import the package', (results.inProcess.importPackageMs = runsOf(importPackage)));
  logRuns('import hono + server', (results.inProcess.importHonoMs = runsOf(importHono)));
  const path = fixtureClientPath();
  const { runs } = await runJsonChild<{ runs: number[] }>([IN_PROCESS_MAIN, 'starts', pkg, path, String(START_RUNS)]);
  results.inProcess.startMockMs = runs;
  log(`  startMock() to first 200: first ${runs[0]} ms, then median ${median(runs.slice(1))} ms (runs: ${runs.slice(1).join(', ')})`);
  const { totalMs } = await runJsonChild<{ totalMs: number }>([IN_PROCESS_MAIN, 'test-file', pkg, path, String(TEST_FILE_MOCKS)]);
  results.inProcess.testFile = { mocks: TEST_FILE_MOCKS, totalMs };
  log(`  ${TEST_FILE_MOCKS} × (startMock, GET 200, close): ${Math.round(totalMs)} ms, ${Math.round((totalMs / TEST_FILE_MOCKS) * 10) / 10} ms per mock`);
}

// ---------------------------------------------------------------------------------------------

async function timed(name: string, body: () => Promise<void>): Promise<void> {
  const began = Date.now();
  await body();
  results.phaseSeconds[name] = Math.round((Date.now() - began) / 100) / 10;
}

async function main(): Promise<void> {
  if (!existsSync(MOCK_MAIN)) throw new Error(`${MOCK_MAIN} is missing: run "npm run build" first (npm run bench does).`);
  const began = Date.now();
  TMP = mkdtempSync(join(os.tmpdir(), 'oauth-mock-bench-'));
  log(`Benchmark: ${CONNECTIONS} connections (latency at ${LATENCY_CONNECTIONS.join(' and ')}), ${WARMUP} s warm-up + ${DURATION} s per case, ${os.cpus().length} cores`);
  try {
    if (phase('mock100') || phase('baseline') || phase('logging') || phase('latency')) await timed('100 clients', at100Clients);
    if (phase('logging')) await timed('logging cost', logCost);
    if (phase('mock10k')) await timed('mock10k', at10kClients);
    if (phase('create')) await timed('create', creates);
    if (phase('prism')) await timed('prism', prism);
    if (phase('sessions')) await timed('sessions', sessions);
    if (phase('startup')) await timed('startup', startup);
    if (phase('npmstart')) await timed('npmstart', npmStart);
    if (phase('inprocess')) await timed('inprocess', inProcess);
  } finally {
    rmSync(TMP, { recursive: true, force: true });
  }
  report(Math.round((Date.now() - began) / 1000));
}

function report(seconds: number): void {
  const date = new Date().toISOString();
  const all = rows(results);
  const text = markdown(results, all, date, seconds);
  log('');
  log(text);
  log(`\nPhases (s): ${Object.entries(results.phaseSeconds).map(([name, s]) => `${name} ${s}`).join(', ')}`);

  const failed = [...results.cases, ...results.latency].filter((c) => c.failures > 0);
  if (failed.length) log(`\nWARNING: cases with failed requests: ${failed.map((c) => c.id).join(', ')} (their figures are not valid).`);
  if (ONLY) {
    log('\n(BENCH_ONLY set: partial run, bench/results not written)');
    return;
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(json(results, all, date, seconds), null, 2)}\n`);
  writeFileSync(join(RESULTS_DIR, 'latest.md'), `${text}\n`);
  log(`\nWritten: bench/results/latest.json, bench/results/latest.md`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
