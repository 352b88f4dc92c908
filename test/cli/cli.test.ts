/** Black-box tests of the command line, run as a user would (through tsx, no build needed). */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';

const CLI = ['--import', 'tsx', 'src/cli/main.ts'];
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 20_000 });

/** Starts the CLI and resolves with its first stdout line (the startup line) and the process. */
function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [...CLI, ...args], { env: { ...process.env, ...env } });
  const firstLine = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before its startup line`)));
  });
  return { child, firstLine };
}

describe('CLI', () => {
  it('prints help and version', () => {
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--seed-count');
    expect(help.stdout).toContain('[DATA_FILE]');
    const version = run(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
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
