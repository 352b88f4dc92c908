/**
 * What logging at info costs: `node --import tsx bench/log-cost.ts [get|list] [rounds] [seconds]
 * [processes]` (after `npm run build`; default 10 processes of 5 rounds of 1 s). Each child
 * process starts two mocks of the compiled package side by side, one silent and one at info
 * (JSON lines to stdout, a file), and autocannon (20 connections) alternates between them round
 * by round; it prints each process's median and, over all rounds, the median and quartiles of
 * info ÷ silent, of req/s and of the child's CPU time per request, and of each process's best
 * info round ÷ its best silent round.
 *
 * Why two mocks in one process: two processes of the same build differ by up to 15 % from each
 * other on a shared machine (JIT decisions, placement), more than logging costs. Why several
 * processes: the ratio still varies from one process to the next (0.83-1.01 for GET), so one
 * process's rounds cannot resolve a few per cent. Which mock starts first alternates from one
 * process to the next, so that an advantage of either place cancels out. LOG_COST_LEVEL=silent
 * makes the logging mock silent too: the harness's own error (A/A), which should read 1.
 * LOG_COST_STDOUT names the file the logs go to (e.g. /dev/null); LOG_COST_ROUNDS=1 prints
 * every round. `npm run bench` measures its logging rows (1h, 2h) with `measureLogCost`.
 */
import autocannon, { type Request as LoadRequest } from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cpuMs, median, quantile } from './measure.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const API = '/api/core/oauth-clients';
const AUTH = { authorization: 'Bearer bench-token' };
type Mode = 'silent' | 'info';
export type LogCostRoute = 'get' | 'list';

export interface LogCostOptions {
  route: LogCostRoute;
  rounds: number;
  seconds: number;
  processes: number;
  /** The compiled package to measure (its index.js); `dist/index.js` unless given. */
  packageMain?: string;
  /** Told each child process's medians as it ends. */
  onProcess?: (n: number, got: LogCostResult) => void;
}

/** info ÷ silent of every round: req/s, and the child's CPU time per request. */
export interface LogCostResult {
  rps: number[];
  cpu: number[];
  /**
   * Per process, the info mock's best round ÷ the silent mock's best round (req/s): other
   * tenants of a shared host only ever slow a round down, so the best of each mode is its cost
   * without them (the A/A control read 0.986 and 0.997 this way, 0.968-0.983 by round).
   */
  best: number[];
}

/** `processes` child processes of `rounds` pairs each; which mock starts first alternates from one process to the next. */
export async function measureLogCost(options: LogCostOptions): Promise<LogCostResult> {
  const all: LogCostResult = { rps: [], cpu: [], best: [] };
  for (let n = 1; n <= options.processes; n++) {
    const got = await measureProcess(options, n % 2 === 0);
    all.rps.push(...got.rps);
    all.cpu.push(...got.cpu);
    all.best.push(...got.best);
    options.onProcess?.(n, got);
  }
  return all;
}

/** A median and its quartiles, as the report and the command print them. */
export const spread = (values: number[]) => `${median(values).toFixed(3)} (quartiles ${quantile(values, 0.25).toFixed(3)}-${quantile(values, 0.75).toFixed(3)})`;

if (process.argv[2] === '--serve') {
  const { startMock } = (await import(pathToFileURL(process.argv[4]).href)) as typeof import('../src/index.js');
  const base = { seedCount: 75, fakerSeed: 1, host: '127.0.0.1' };
  const startSilent = () => startMock({ ...base, logLevel: 'silent' });
  const startInfo = () => startMock({ ...base, logLevel: process.env.LOG_COST_LEVEL === 'silent' ? 'silent' : 'info', logFormat: 'json' });
  let info = process.argv[3] === 'info-first' ? await startInfo() : undefined;
  const silent = await startSilent();
  info ??= await startInfo();
  process.stderr.write(`ports ${silent.port} ${info.port}\n`);
} else if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [route = 'get', rounds = '5', seconds = '1', processes = '10'] = process.argv.slice(2);
  if (route !== 'get' && route !== 'list') throw new Error(`log-cost: get or list, not "${route}"`);
  const all = await measureLogCost({
    route,
    rounds: Number(rounds),
    seconds: Number(seconds),
    processes: Number(processes),
    onProcess: (n, got) => console.log(`process ${n}: median of ${got.rps.length} rounds: req/s ${median(got.rps).toFixed(3)}, CPU per request ${median(got.cpu).toFixed(3)}, best round ÷ best round ${got.best[0].toFixed(3)}`),
  });
  console.log(`${route}: info ÷ silent over ${all.rps.length} rounds in ${processes} processes: req/s ${spread(all.rps)}, CPU per request ${spread(all.cpu)}; best round ÷ best round per process ${spread(all.best)}`);
}

/** One child process holding both mocks, `rounds` pairs of runs alternating which goes first; a ratio per pair. */
async function measureProcess({ route, rounds, seconds, packageMain = join(ROOT, 'dist/index.js') }: LogCostOptions, infoFirst: boolean): Promise<LogCostResult> {
  const tmp = mkdtempSync(join(os.tmpdir(), 'oauth-mock-log-cost-'));
  const stdout = process.env.LOG_COST_STDOUT ?? join(tmp, 'stdout');
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', infoFirst ? 'info-first' : 'silent-first', packageMain], { cwd: ROOT, stdio: ['ignore', openSync(stdout, 'w'), 'pipe'] });
  try {
    const ports = await new Promise<{ silent: string; info: string }>((done, fail) => {
      let err = '';
      child.once('exit', (code) => fail(new Error(`the mocks exited with ${code}: ${err}`)));
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        const m = /ports (\d+) (\d+)/.exec((err += chunk));
        if (m) done({ silent: m[1], info: m[2] });
      });
    });
    const get = (path: string): LoadRequest => ({ method: 'GET', path, headers: AUTH });
    const list = (await (await fetch(`http://127.0.0.1:${ports.silent}${API}?limit=20`, { headers: AUTH })).json()) as { data: { clientId: string }[] };
    const requests = route === 'list' ? [get(`${API}?limit=20`)] : list.data.map((c) => get(`${API}/${c.clientId}`));
    const run = async (mode: Mode, duration: number) => {
      const before = cpuMs(child.pid!);
      const r = await autocannon({ url: `http://127.0.0.1:${ports[mode]}`, connections: 20, duration, requests });
      if (r.non2xx || r.errors) throw new Error(`${mode}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      return { rps: r.requests.average, cpuUs: ((cpuMs(child.pid!) - before) * 1000) / r.requests.total };
    };
    await run('silent', 1);
    await run('info', 1);
    const rps: number[] = [];
    const cpu: number[] = [];
    const fastest = { silent: 0, info: 0 };
    for (let i = 0; i < rounds; i++) {
      const got = {} as Record<Mode, Awaited<ReturnType<typeof run>>>;
      for (const mode of i % 2 ? (['info', 'silent'] as const) : (['silent', 'info'] as const)) got[mode] = await run(mode, seconds);
      rps.push(got.info.rps / got.silent.rps);
      for (const mode of ['silent', 'info'] as const) fastest[mode] = Math.max(fastest[mode], got[mode].rps);
      cpu.push(got.info.cpuUs / got.silent.cpuUs);
      if (process.env.LOG_COST_ROUNDS) console.log(`  round ${i + 1}: silent ${Math.round(got.silent.rps)} req/s ${got.silent.cpuUs.toFixed(1)} µs CPU/req, info ${Math.round(got.info.rps)} req/s ${got.info.cpuUs.toFixed(1)} µs CPU/req`);
    }
    return { rps, cpu, best: [fastest.info / fastest.silent] };
  } finally {
    child.kill();
    rmSync(tmp, { recursive: true, force: true });
  }
}
