/**
 * The benchmark's verdicts and its report: bench/results/latest.md (tables) and latest.json (the
 * same data). Every target is a ratio between cases of one run, or a bound in ms or MB, and
 * prints PASS or FAIL; a row whose input was not measured prints n/a with the reason.
 */
import os from 'node:os';
import { quantile } from './measure.js';

export interface CaseResult {
  id: string;
  label: string;
  connections: number;
  rps: number;
  /** Milliseconds; whole ones from autocannon's histogram, to 0.01 ms in latency cases. */
  p50: number;
  p99: number;
  requests: number;
  /** Answers that were not 2xx, plus errors and timeouts: a valid run has 0. */
  failures: number;
  /** Headers and body, as autocannon counted them. */
  bytesPerRequest: number;
  /** What the server wrote to its stdout file per answer (servers whose stdout is a file). */
  logBytesPerRequest?: number;
  /** Cases measured in rounds: req/s of each round (`rps` and the rest are the median round's). */
  rounds?: number[];
}

export interface Runs {
  runs: number[];
  median: number;
}

/** One answer the floor replays: what it is, its size, and whose headers it carries. */
export interface AnswerInfo {
  route: string;
  /** Mean over the paths of the route (GET /{id} rotates over 20 clients). */
  bodyBytes: number;
  /** Header names in the order they are written, Node's own included. */
  mockHeaders: string[];
  floorHeaders: string[];
  handWrittenHeaders?: string[];
}

export interface SessionsResult {
  /** POST /__mock/sessions to its 201, then the session's first GET: ms of each. */
  createMs: Runs;
  createWithFirstGetMs: Runs;
  count: number;
  rssBeforeMB: number | null;
  rssAfterMB: number | null;
}

/** info ÷ silent of each round, two mocks in one process (bench/log-cost.ts). */
export interface LogCost {
  processes: number;
  rps: number[];
  cpu: number[];
  /** Per process, the best info round ÷ the best silent round (absent in runs before 2026-12-04 20:30). */
  best?: number[];
}

export interface Results {
  settings: { connections: number; durationSeconds: number; warmupSeconds: number; rounds: number; roundSeconds: number };
  /** The project's `npm start` script at the time of the run. */
  startScript: string;
  answers: AnswerInfo[];
  cases: CaseResult[];
  latency: CaseResult[];
  memoryMB: Record<string, number | null>;
  logCost: Partial<Record<'get' | 'list', LogCost>>;
  startupMs: Record<string, Runs>;
  inProcess: {
    importPackageMs?: Runs;
    importHonoMs?: Runs;
    /** startMock() to its first 200, every start of one process in turn. */
    startMockMs?: number[];
    testFile?: { mocks: number; totalMs: number };
  };
  sessions?: SessionsResult;
  /** What could not be measured, and why (e.g. a flag the CLI does not know yet). */
  notApplicable: Record<string, string>;
  phaseSeconds: Record<string, number>;
}

export interface Row {
  id: string;
  what: string;
  target: string;
  value: number | null;
  unit: string;
  verdict: 'PASS' | 'FAIL' | 'info' | 'n/a';
  note?: string;
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : Math.round(((sorted[mid - 1] + sorted[mid]) / 2) * 100) / 100;
};

const ratio = (a?: number | null, b?: number | null) => (a == null || b == null || b === 0 ? null : Math.round((a / b) * 100) / 100);
const round1 = (n: number) => Math.round(n * 10) / 10;
const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** Every verdict of the run, in the order of the issue's targets. */
export function rows(results: Results): Row[] {
  const { cases, startupMs, memoryMB, inProcess, sessions, notApplicable } = results;
  const rps = (id: string) => cases.find((c) => c.id === id)?.rps;
  const out: Row[] = [];
  const add = (id: string, what: string, value: number | null, target?: { atLeast?: number; atMost?: number }, unit = '', missing?: string) => {
    const verdict: Row['verdict'] =
      value === null ? 'n/a' : !target ? 'info' : (target.atLeast === undefined || value >= target.atLeast) && (target.atMost === undefined || value <= target.atMost) ? 'PASS' : 'FAIL';
    const targetText = !target ? '—' : target.atLeast !== undefined ? `≥ ${target.atLeast}${unit}` : `≤ ${target.atMost}${unit}`;
    const note = value === null ? (missing && notApplicable[missing]) ?? 'not measured in this run' : undefined;
    out.push({ id, what, target: targetText, value, unit, verdict, ...(note ? { note } : {}) });
  };

  // 1, 2: GET /{id} and list at 100 clients, each mode against both baselines.
  const modes = [
    { kind: 'silent', label: 'mock silent' },
    { kind: 'info', label: 'mock info → file' },
    { kind: 'pretty', label: 'mock pretty → file' },
  ] as const;
  const routes = [
    { n: '1', route: 'get', label: 'GET /{id}', silent: 0.8, logged: 0.7 },
    { n: '2', route: 'list', label: 'list limit=20', silent: 0.6, logged: 0.5 },
  ] as const;
  for (const r of routes) {
    let letter = 0;
    const next = () => `${r.n}${String.fromCharCode(97 + letter++)}`;
    for (const m of modes) {
      const target = { atLeast: m.kind === 'silent' ? r.silent : r.logged };
      add(next(), `${r.label}: ${m.label} ÷ floor`, ratio(rps(`${r.route}-${m.kind}`), rps(`${r.route}-floor`)), target, '', `mock-${m.kind}`);
    }
    for (const m of modes) {
      add(next(), `${r.label}: ${m.label} ÷ hand-written Hono`, ratio(rps(`${r.route}-${m.kind}`), rps(`${r.route}-baseline`)), undefined, '', `mock-${m.kind}`);
    }
    add(next(), `${r.label}: (for scale) hand-written Hono ÷ floor`, ratio(rps(`${r.route}-baseline`), rps(`${r.route}-floor`)));
    // Logging at info may cost at most 10 % of the throughput: measured paired, in one process.
    const cost = results.logCost[r.route];
    const rounds = cost ? `${cost.rps.length} rounds in ${cost.processes} processes` : 'rounds';
    add(next(), `${r.label}: what logging costs, mock info ÷ mock silent in one process (median of ${rounds})`, cost ? round3(quantile(cost.rps, 0.5)) : null, { atLeast: 0.9 }, '', 'mock-info');
    if (cost) out[out.length - 1].note = `quartiles ${round3(quantile(cost.rps, 0.25))}-${round3(quantile(cost.rps, 0.75))}; CPU per request ${round3(quantile(cost.cpu, 0.5))}${cost.best ? `; best round ÷ best round ${round3(quantile(cost.best, 0.5))}` : ''}`;
  }
  const prismBytes = cases.find((c) => c.id === 'prism-list')?.bytesPerRequest;
  const mockListBytes = cases.find((c) => c.id === 'list-silent')?.bytesPerRequest;
  add('2i', "list limit=20: mock silent ÷ Prism's list (retired target)", ratio(rps('list-silent'), rps('prism-list')));
  if (prismBytes && mockListBytes) out[out.length - 1].note = `Prism answers one ${prismBytes}-byte example, the mock ${mockListBytes} bytes of twenty clients`;

  add('3a', 'appType eq "web", -createdAt: 10,000 ÷ 100 clients (silent)', ratio(rps('filter-10k'), rps('filter-100')), { atLeast: 0.5 });
  add('3b', 'clientName co "portal", -createdAt: 10,000 ÷ 100 clients (silent)', ratio(rps('contains-10k'), rps('contains-100')), { atLeast: 0.5 });
  add('4', 'persisted create ≥ 0.3: POST create, lowdb file ÷ memory (both info → file)', ratio(rps('create-file'), rps('create-memory')), { atLeast: 0.3 });

  add('5a', 'npm start to first 200: the project\'s script ÷ `exec node dist/cli/main.js`', ratio(startupMs['npm start']?.median, startupMs['npm start exec node']?.median), { atMost: 1.3 });
  add('5b', 'start to first 200: compiled CLI ÷ bare Hono', ratio(startupMs.mock?.median, startupMs.baseline?.median), { atMost: 2 });
  add('5c', 'start to first 200: compiled CLI ÷ Prism', ratio(startupMs.mock?.median, startupMs.prism?.median));

  // The strictest reading: the most the process held at any point measured, under load included.
  const rss10k = [memoryMB['10k.idle'], memoryMB['10k.after'], memoryMB['10k.peak']].filter((mb): mb is number => mb != null);
  add('6', 'resident memory at 10,000 clients (max of idle, during and after load)', rss10k.length ? Math.max(...rss10k) : null, { atMost: 150 }, ' MB');

  add('7a', 'import the package ÷ import hono + @hono/node-server (fresh processes)', ratio(inProcess.importPackageMs?.median, inProcess.importHonoMs?.median), { atMost: 1.5 });
  const starts = inProcess.startMockMs;
  add('7b', 'startMock() to first 200, after the first in a process (median)', starts && starts.length > 1 ? median(starts.slice(1)) : null, { atMost: 20 }, ' ms');
  add('7c', 'startMock() to first 200, the first in a process', starts?.length ? starts[0] : null, undefined, ' ms');
  const file = inProcess.testFile;
  add('7d', `a test file of ${file?.mocks ?? 50} × (startMock, GET 200, close): total`, file ? Math.round(file.totalMs) : null, undefined, ' ms');
  add('7e', 'the same, per mock', file ? round1(file.totalMs / file.mocks) : null, undefined, ' ms');

  const perSession = sessions && sessions.rssBeforeMB != null && sessions.rssAfterMB != null ? Math.round(((sessions.rssAfterMB - sessions.rssBeforeMB) / sessions.count) * 1000) / 1000 : null;
  add('8a', 'GET /{id} without a session header: with 200 idle sessions ÷ with none', ratio(rps('sessions-get-after'), rps('sessions-get-before')), undefined, '', 'sessions');
  add('8b', 'create a session: POST /__mock/sessions to 201 (median of 200)', sessions?.createMs.median ?? null, undefined, ' ms', 'sessions');
  add('8c', 'create a session and get its first 200 (median of 200)', sessions?.createWithFirstGetMs.median ?? null, undefined, ' ms', 'sessions');
  add('8d', 'resident memory per session (200 sessions, one request each)', perSession, undefined, ' MB', 'sessions');
  // What fits beside the process's own memory under the 150 MB the process may hold in all.
  const fit = perSession && perSession > 0 && sessions?.rssBeforeMB != null ? Math.floor((150 - sessions.rssBeforeMB) / perSession) : null;
  add('8e', 'sessions that fit in 150 MB: (150 − RSS without sessions) ÷ per session', fit, undefined, '', 'sessions');
  return out;
}

const fmt = (n: number | null | undefined, unit = '') => (n == null ? 'n/a' : `${n}${unit}`);
const runsText = (r?: Runs) => (r ? r.runs.join(', ') : '');

function machine(): { cpu: string; text: string } {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return { cpu, text: `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB, ${os.platform()} ${os.release()}, Node ${process.version}` };
}

function answersTable(results: Results): string[] {
  if (!results.answers.length) return [];
  return [
    '| Answer | body bytes (mock = floor) | headers of the mock and the floor | headers of hand-written Hono |',
    '|---|---:|---|---|',
    ...results.answers.map((a) => `| ${a.route} | ${a.bodyBytes} | ${a.mockHeaders.join(', ')} | ${a.handWrittenHeaders?.join(', ') ?? 'n/a'} |`),
    '',
  ];
}

function casesTable(results: Results): string[] {
  if (!results.cases.length) return [];
  return [
    '| Throughput case (100 clients unless noted) | connections | req/s | p50 ms | p99 ms | bytes/answer | log bytes/answer | req/s of each round |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...results.cases.map(
      (c) =>
        `| ${c.label}${c.failures ? ` (**${c.failures} failed**)` : ''} | ${c.connections} | ${c.rps} | ${c.p50} | ${c.p99} | ${c.bytesPerRequest} | ${c.logBytesPerRequest ?? ''} | ${c.rounds?.join(', ') ?? ''} |`,
    ),
    '',
  ];
}

/** One row per route and connection count, the servers side by side. */
function latencyTable(results: Results): string[] {
  if (!results.latency.length) return [];
  const servers = [
    { kind: 'floor', label: 'floor' },
    { kind: 'silent', label: 'mock silent' },
    { kind: 'info', label: 'mock info → file' },
  ];
  const cell = (route: string, kind: string, connections: number) => {
    const c = results.latency.find((l) => l.id === `lat-${route}-${kind}-c${connections}`);
    return c ? `${c.p50} / ${c.p99}${c.failures ? ` (**${c.failures} failed**)` : ''}` : 'n/a';
  };
  const lines = [`| Latency, ms p50 / p99 (information) | connections | ${servers.map((s) => s.label).join(' | ')} |`, `|---|---:|${servers.map(() => '---:').join('|')}|`];
  for (const [route, label] of [['get', 'GET /{id}'], ['list', 'list limit=20']]) {
    for (const connections of [1, 50]) {
      if (!servers.some((s) => results.latency.some((l) => l.id === `lat-${route}-${s.kind}-c${connections}`))) continue;
      lines.push(`| ${label} | ${connections} | ${servers.map((s) => cell(route, s.kind, connections)).join(' | ')} |`);
    }
  }
  return [...lines, ''];
}

function inProcessTable(results: Results): string[] {
  const { importPackageMs, importHonoMs, startMockMs, testFile } = results.inProcess;
  if (!importPackageMs && !startMockMs && !testFile) return [];
  const following = startMockMs && startMockMs.length > 1 ? startMockMs.slice(1) : undefined;
  return [
    '| In process | ms | runs |',
    '|---|---:|---|',
    `| import the package, median of ${importPackageMs?.runs.length ?? 0} fresh processes | ${fmt(importPackageMs?.median)} | ${runsText(importPackageMs)} |`,
    `| import hono + @hono/node-server, the same | ${fmt(importHonoMs?.median)} | ${runsText(importHonoMs)} |`,
    `| startMock() to first 200, the first in a process | ${fmt(startMockMs?.[0])} | |`,
    `| startMock() to first 200, the ${following?.length ?? 0} after it (median) | ${fmt(following && median(following))} | ${following?.join(', ') ?? ''} |`,
    `| ${testFile?.mocks ?? 50} × (startMock, GET 200, close) in a row, total | ${fmt(testFile && Math.round(testFile.totalMs))} | |`,
    `| the same, per mock | ${fmt(testFile && round1(testFile.totalMs / testFile.mocks))} | |`,
    '',
  ];
}

function startTable(results: Results): string[] {
  const s = results.startupMs;
  const names: [string, string][] = [
    ['mock', 'compiled CLI: `node dist/cli/main.js`'],
    ['baseline', 'bare Hono (bench/baseline.mjs)'],
    ['prism', 'Prism'],
    ['npm start', `\`npm start\` in the project (its script: \`${results.startScript}\`)`],
    ['npm start exec node', '`npm start` whose script is only `exec node dist/cli/main.js`'],
  ];
  const present = names.filter(([key]) => s[key]);
  if (!present.length) return [];
  return ['| Start to first 200 (median) | ms | runs |', '|---|---:|---|', ...present.map(([key, label]) => `| ${label} | ${s[key].median} | ${runsText(s[key])} |`), ''];
}

function memoryTable(results: Results): string[] {
  const m = results.memoryMB;
  const line = (label: string, key: string, peak = false) =>
    m[`${key}.idle`] === undefined ? [] : [`| ${label} | ${fmt(m[`${key}.idle`])} | ${fmt(m[`${key}.after`])} | ${peak ? fmt(m[`${key}.peak`]) : ''} |`];
  const body = [
    ...line('mock silent, 100 clients', 'silent'),
    ...line('mock info → file, 100 clients', 'info'),
    ...line('mock silent, 10,000 clients', '10k', true),
    ...line('floor (for scale)', 'floor'),
    ...line('hand-written Hono (for scale)', 'baseline'),
  ];
  if (results.sessions) {
    body.push(`| mock silent, 100 clients: before / after 200 sessions | ${fmt(results.sessions.rssBeforeMB)} | ${fmt(results.sessions.rssAfterMB)} | |`);
  }
  return body.length ? ['| Resident memory (MB) | idle | after load | peak during load |', '|---|---:|---:|---:|', ...body, ''] : [];
}

function rowsTable(all: Row[]): string[] {
  return [
    '| # | Measure | Target | Value | Verdict |',
    '|---|---|---|---:|---|',
    ...all.map((r) => `| ${r.id} | ${r.what} | ${r.target} | ${fmt(r.value, r.unit)} | ${r.verdict}${r.note ? ` (${r.note})` : ''} |`),
  ];
}

export function markdown(results: Results, all: Row[], date: string, seconds: number): string {
  const { connections, durationSeconds, warmupSeconds, rounds, roundSeconds } = results.settings;
  return [
    `Measured ${date.slice(0, 16).replace('T', ' ')} UTC on ${machine().text}; throughput cases at ${connections} connections, ` +
      `every load case ${durationSeconds} s after ${warmupSeconds} s of warm-up, but the 100-client throughput cases (floor, hand-written Hono, mock at each log level): ` +
      `${rounds} rounds of ${roundSeconds} s each (after ${warmupSeconds} s of warm-up), every server once per round in a rotated order, the median round reported (run took ${seconds} s).`,
    '',
    'Two baselines, both bare Hono on @hono/node-server: the **floor** answers a precomputed buffer of exactly the ' +
      "mock's bytes with exactly its headers; **hand-written Hono** answers `c.json(value)` of the same bodies, serializing per request.",
    '',
    'What logging costs (1h, 2h) is measured apart from the servers above, which are separate processes and differ from one another by ' +
      'more than 10 %: each of several child processes holds a silent mock and an info mock (JSON lines to a file), and 1 s runs alternate between them (bench/log-cost.ts).',
    '',
    ...answersTable(results),
    ...casesTable(results),
    ...latencyTable(results),
    ...inProcessTable(results),
    ...startTable(results),
    ...memoryTable(results),
    ...rowsTable(all),
  ].join('\n');
}

export function json(results: Results, all: Row[], date: string, seconds: number) {
  const { cpu } = machine();
  return {
    date,
    machine: { cpu, cores: os.cpus().length, memoryGB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.release()}`, node: process.version },
    ...results,
    ratios: all,
    runSeconds: seconds,
  };
}
