/** Black-box tests of the command line, run as a user would (through tsx, no build needed). */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = ['--import', 'tsx', 'src/cli/main.ts'];
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 20_000 });

/** Starts the CLI and resolves with its first stdout line (the startup line) and the process; `output()` is all it wrote so far. */
function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [...CLI, ...args], { env: { ...process.env, ...env } });
  let out = '';
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before its startup line`)));
  });
  return { child, firstLine, output: () => out };
}

/** Polls until the condition holds (10 s at most). */
async function until(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('the condition did not hold within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('CLI', () => {
  it('prints help (options aligned, examples, the scenarios) and version', () => {
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--seed-count');
    expect(help.stdout).toContain('[DATA_FILE]');
    expect(help.stdout).toMatch(/Examples:\n  qlik-oauth-clients-mock /);
    expect(help.stdout).toMatch(/Scenarios[^\n]*:\n(?:  .*\n)*  secret-limit-reached +One web client/);
    // Every option's description starts in the same column.
    const options = help.stdout.split('Options')[1].split('\n\n')[0].split('\n').filter((l) => l.startsWith('  --'));
    expect(new Set(options.map((l) => l.search(/\S/, ) && l.indexOf('  ', 4) + l.slice(l.indexOf('  ', 4)).search(/\S/))).size).toBe(1);
    const version = run(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('logs one JSON line per request when not on a terminal, pretty lines with --log-format pretty, and says goodbye on SIGTERM', async () => {
    for (const format of ['json', 'pretty']) {
      const { child, firstLine, output } = start(['--port', '0', '--host', '127.0.0.1', '--log-format', format]);
      const banner = await firstLine;
      const url = /listening on (http:\/\/[^\s"]+)/.exec(banner)![1];
      const before = Date.now();
      await fetch(`${url}/api/v1/oauth-clients/nope`, { headers: { authorization: 'Bearer secret-token-123' } });
      const after = Date.now();
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const out = output();
      const lines = out.trim().split('\n');
      expect(out).not.toContain('secret-token-123');
      if (format === 'json') {
        expect(JSON.parse(banner)).toMatchObject({ level: 'info', urls: { api: `${url}/api/v1/oauth-clients`, dashboard: `${url}/__mock/ui` } });
        const request = lines.map((l) => JSON.parse(l)).find((l) => l.status === 404);
        // The wall-clock time of the answer (the logger derives it from the clock it times the request with).
        expect(Date.parse(request.time)).toBeGreaterThanOrEqual(before - 2);
        expect(Date.parse(request.time)).toBeLessThanOrEqual(after + 2);
        expect(request).toMatchObject({ msg: 'GET /api/v1/oauth-clients/nope 404', level: 'warn', operationId: 'readOAuthClient', detail: 'OAuth client "nope" was not found.', traceId: expect.any(String) });
        expect(JSON.parse(lines.at(-1)!)).toMatchObject({ msg: 'stopped (SIGTERM); bye' });
      } else {
        expect(banner).toMatch(/^qlik-oauth-clients-mock \S+ listening on http/);
        expect(out).toMatch(/\n  dashboard +http:\/\/127\.0\.0\.1:\d+\/__mock\/ui\n/);
        expect(out).toMatch(/\d\d:\d\d:\d\d\.\d{3} GET \/api\/v1\/oauth-clients\/nope 404 [\d.]+ms readOAuthClient — OAuth client "nope" was not found\. \(traceId [0-9a-f]{32}\)/);
        expect(lines.at(-1)).toBe('stopped (SIGTERM); bye');
      }
    }
  });

  it('keeps serving when nobody reads its stdout (a pipe its parent stopped reading), and writes the lines once read again', async () => {
    const { child, firstLine, output } = start(['--port', '0', '--host', '127.0.0.1', '--log-format', 'json']);
    const url = /listening on (http:\/\/[^\s"]+)/.exec(await firstLine)![1];
    child.stdout.pause(); // the pipe fills (64 KiB here) after a few hundred lines
    const requests = 1000;
    for (let i = 0; i < requests; i++) {
      expect((await fetch(`${url}/api/v1/oauth-clients?n=${i}`, { headers: { authorization: 'Bearer owner-token' } })).status).toBe(200);
    }
    child.stdout.resume();
    await until(async () => output().includes(`"msg":"GET /api/v1/oauth-clients?n=${requests - 1} 200"`));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output().split('\n').filter((line) => line.includes('"status":200')).length).toBeGreaterThanOrEqual(requests);
  }, 60_000);

  it('keeps serving when its stdout is closed (a `| head`, a log collector gone), and stops cleanly', async () => {
    const { child, firstLine } = start(['--port', '0', '--host', '127.0.0.1', '--log-format', 'json']);
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const url = /listening on (http:\/\/[^\s"]+)/.exec(await firstLine)![1];
    child.stdout.destroy(); // the reading end goes: every later write to stdout is EPIPE
    for (let i = 0; i < 20; i++) {
      expect((await fetch(`${url}/api/v1/oauth-clients`, { headers: { authorization: 'Bearer owner-token' } })).status).toBe(200);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  });

  it("warns at start when --cors-origins '*' lets any web page use the mock", async () => {
    const { child, firstLine, output } = start(['--port', '0', '--host', '127.0.0.1', '--cors-origins', '*']);
    try {
      await firstLine;
      await until(async () => output().split('\n').length > 2);
      expect(JSON.parse(output().split('\n')[1])).toMatchObject({ level: 'warn', msg: expect.stringContaining('any web page you visit can read and change this mock') });
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('--watch reloads changed scenario files; a bad change is refused with one line naming the file and field, the last good set kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oauth-mock-watch-'));
    writeFileSync(join(dir, 'one.json'), JSON.stringify({ description: 'first' }));
    const { child, firstLine, output } = start(['--port', '0', '--host', '127.0.0.1', '--log-level', 'silent', '--scenarios-dir', dir, '--watch']);
    try {
      const url = /listening on (http:\/\/[^\s"]+)/.exec(await firstLine)![1];
      const names = async () => ((await (await fetch(`${url}/__mock/scenarios`)).json()) as { scenarios: { name: string }[] }).scenarios.map((s) => s.name);
      expect(await names()).toEqual(['one']);
      writeFileSync(join(dir, 'two.json'), JSON.stringify({ description: 'second', faults: [{ status: 503, times: 1 }] }));
      await until(async () => (await names()).includes('two'));
      writeFileSync(join(dir, 'two.json'), JSON.stringify({ description: 'second', faults: [{ status: 700 }] }));
      await until(async () => /two\.json\) is invalid: scenario\.faults\[0\]\.status must be <= 599\..*previous scenarios stay in force/.test(output()));
      // A refusal is a warning (a CI that filters on warn sees it), in the format of the log.
      const refusal = output().split('\n').find((line) => line.includes('stay in force'))!;
      expect(JSON.parse(refusal)).toMatchObject({ level: 'warn' });
      expect(await names()).toEqual(['one', 'two']);
      expect((await fetch(`${url}/__mock/scenarios/two`, { method: 'POST' })).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it.each([
    [['--frobnicate'], /frobnicate/],
    [['--port', 'abc'], /--port/],
    [['--log-level', 'chatty'], /--log-level/],
    [['--cors-origins', 'https://a.example/'], /--cors-origins.*"https:\/\/a\.example\/"/],
    [['--cors-origins', 'HTTPS://A.example'], /--cors-origins/],
    [['--port', '0', '--scenario', 'nope'], /Unknown scenario "nope"/],
    [['--control-token', ''], /--control-token is set but empty/],
  ])('exits 2 with one line naming the problem for %j', (args, pattern) => {
    const result = run(args);
    expect(result.status).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
  });

  it('exits 2 with one line when CONTROL_TOKEN is set but empty (an unset CI secret)', () => {
    const result = run(['--port', '0'], { CONTROL_TOKEN: '' });
    expect(result.status).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/CONTROL_TOKEN is set but empty/);
    expect(result.stdout).toBe('');
  });

  it('starts with one line naming the URL, the store, the scenario and the number of clients, and stops on SIGTERM', async () => {
    const { child, firstLine } = start(['--port', '0', '--host', '127.0.0.1', '--seed-count', '5', '--log-level', 'silent']);
    const line = await firstLine;
    expect(line).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(store: memory, scenario: default, clients: 32\)/);
    const url = /(http:\/\/\S+)/.exec(line)![1];
    expect((await fetch(`${url}/__mock/health`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('reports a port in use in one line, without a stack', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = run(['--port', String(port), '--host', '127.0.0.1']);
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toBe(`qlik-oauth-clients-mock: error: port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });
});
