/**
 * What logging at info costs, measured in one process: `node --import tsx bench/log-cost.ts
 * [get|list] [rounds] [seconds]` (after `npm run build`). A child process starts two mocks of the
 * compiled package side by side, one silent and one at info (JSON lines to stdout, a file), and
 * autocannon (20 connections) alternates between them round by round; it prints each round and
 * the medians of info ÷ silent, of req/s and of the child's CPU time per request.
 *
 * Why one process: two processes of the same build differ by up to 15 % from each other on a
 * shared machine (JIT decisions, placement), more than logging costs, so `npm run bench`'s
 * separate silent and info servers cannot resolve a cost of a few per cent; here both mocks run
 * the same compiled code, and only the log lines differ.
 */
import autocannon, { type Request as LoadRequest } from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cpuMs, median } from './measure.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const API = '/api/core/oauth-clients';
const AUTH = { authorization: 'Bearer bench-token' };
type Mode = 'silent' | 'info';

if (process.argv[2] === '--serve') {
  const { startMock } = (await import(pathToFileURL(join(ROOT, 'dist/index.js')).href)) as typeof import('../src/index.js');
  const base = { seedCount: 75, fakerSeed: 1, host: '127.0.0.1' };
  const silent = await startMock({ ...base, logLevel: 'silent' });
  const info = await startMock({ ...base, logLevel: 'info', logFormat: 'json' });
  process.stderr.write(`ports ${silent.port} ${info.port}\n`);
} else {
  const [kind = 'get', roundsArg = '16', secondsArg = '2'] = process.argv.slice(2);
  const tmp = mkdtempSync(join(os.tmpdir(), 'oauth-mock-log-cost-'));
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve'], { cwd: ROOT, stdio: ['ignore', openSync(join(tmp, 'stdout'), 'w'), 'pipe'] });
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
    const requests = kind === 'list' ? [get(`${API}?limit=20`)] : list.data.map((c) => get(`${API}/${c.clientId}`));
    const run = async (mode: Mode, seconds: number) => {
      const cpu = cpuMs(child.pid!);
      const r = await autocannon({ url: `http://127.0.0.1:${ports[mode]}`, connections: 20, duration: seconds, requests });
      if (r.non2xx || r.errors) throw new Error(`${mode}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      return { rps: r.requests.average, cpuUs: ((cpuMs(child.pid!) - cpu) * 1000) / r.requests.total };
    };
    await run('silent', 1);
    await run('info', 1);
    const rps: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < Number(roundsArg); i++) {
      const got = {} as Record<Mode, Awaited<ReturnType<typeof run>>>;
      for (const mode of i % 2 ? (['info', 'silent'] as const) : (['silent', 'info'] as const)) got[mode] = await run(mode, Number(secondsArg));
      const { silent, info } = got;
      rps.push(info.rps / silent.rps);
      cpu.push(info.cpuUs / silent.cpuUs);
      console.log(`round ${i + 1}: silent ${Math.round(silent.rps)} req/s ${silent.cpuUs.toFixed(1)} µs CPU/req, info ${Math.round(info.rps)} req/s ${info.cpuUs.toFixed(1)} µs CPU/req`);
    }
    console.log(`${kind}: info ÷ silent, median of ${rps.length} rounds: req/s ${median(rps).toFixed(3)}, CPU per request ${median(cpu).toFixed(3)}`);
  } finally {
    child.kill();
    rmSync(tmp, { recursive: true, force: true });
  }
}
