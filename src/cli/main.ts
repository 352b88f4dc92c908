#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { logFormatOf, useColor, writeStdout } from '../http/logging.js';
import { startMock, type RunningMock } from '../index.js';
import { MockRuntime, UnknownScenarioError } from '../runtime/mock-runtime.js';
import type { LogFormat } from '../runtime/options.js';
import { watchScenarios } from '../runtime/scenario-watch.js';
import { helpText, parseConfig, UsageError } from './config.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** One line on stderr and an exit status: 2 for usage, 1 for everything else. Never a stack. */
function fail(error: unknown): never {
  // An unknown --scenario is a wrong value like any other, found once the scenarios are read.
  const status = error instanceof UsageError || error instanceof UnknownScenarioError ? 2 : 1;
  const { code, syscall } = (error ?? {}) as NodeJS.ErrnoException;
  const message =
    code === 'EADDRINUSE'
      ? `port ${(error as { port?: number }).port} is already in use`
      : code === 'EACCES' && syscall === 'listen'
        ? `permission denied to listen on port ${(error as { port?: number }).port ?? ''}`
        : (error as Error)?.message ?? String(error);
  process.stderr.write(`qlik-oauth-clients-mock: error: ${message}${status === 2 ? ' (see --help)' : ''}\n`);
  process.exit(status);
}

/**
 * A mock runs beside the tests it serves, so it should hold little memory. Between full
 * collections V8 lets the old generation grow to up to 4 x its live size when collecting is
 * cheap; under steady load at 10,000 clients that took resident memory from ~130 MB to over
 * 200 MB in one run out of three (`--trace-gc`: no full collection for 10 s). Growing by half at
 * most keeps it at ~130 MB. V8 reads this flag at every full collection, so setting it here
 * works; only the command line does it (a test process that imports the mock keeps its own).
 */
function keepHeapSmall(): void {
  setFlagsFromString('--heap-growing-percent=50');
}

/** What the mock says about itself outside request lines: as a JSON line, or as text for a person. */
function announcer(format: LogFormat) {
  const color = format === 'pretty' && useColor();
  const bold = (text: string) => (color ? `\x1b[1m${text}\x1b[0m` : text);
  return (msg: string, fields: Record<string, unknown> = {}, details: [string, string][] = [], level: 'info' | 'warn' = 'info') => {
    if (format === 'json') return writeStdout(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
    const width = Math.max(0, ...details.map(([name]) => name.length)) + 2;
    const text = level === 'warn' ? `warning: ${msg}` : msg;
    writeStdout(`${bold(text)}\n${details.map(([name, value]) => `  ${name.padEnd(width)}${value}\n`).join('')}`);
  };
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'verify') return void (process.exitCode = await (await import('../verify/command.js')).verifyCommand(argv.slice(1)));
  if (argv.includes('--help') || argv.includes('-h')) {
    const config = parseConfig(argv.filter((a) => a !== '--help' && a !== '-h'), process.env);
    return void console.log(helpText(version, [...MockRuntime.loadScenarios(config).values()]));
  }
  if (argv.includes('--version') || argv.includes('-v')) return void console.log(version);
  const config = parseConfig(argv, process.env);
  keepHeapSmall();
  const mock: RunningMock = await startMock(config);
  const { store } = mock.runtime.world;
  const say = announcer(logFormatOf(config));
  const urls = {
    api: `${mock.url}/api/v1/oauth-clients`,
    coreApi: `${mock.url}/api/core/oauth-clients`,
    control: `${mock.url}/__mock`,
    dashboard: `${mock.url}/__mock/ui`,
    frontDoor: `${mock.url}/`,
  };
  // Without --scenario the mock holds the embedded data: the bundled "default" scenario, which a folder of one's own may not have.
  const scenario = config.scenario ?? (config.scenariosDir === undefined || mock.runtime.scenarios.has('default') ? 'default' : 'none');
  const where = { store: store.kind === 'file' ? store.location : 'memory', scenario, clients: store.count() };
  say(`qlik-oauth-clients-mock ${version} listening on ${mock.url} (store: ${where.store}, scenario: ${where.scenario}, clients: ${where.clients})`, { version, url: mock.url, ...where, urls }, [
    ['API', `${urls.api}  (the organization-level one: ${urls.coreApi})`],
    ['control', `${urls.control}  (its OpenAPI document: ${urls.control}/control.openapi.json)`],
    ['dashboard', urls.dashboard],
    ['front door', urls.frontDoor],
    ['try', `curl -H 'Authorization: Bearer any-token' '${urls.api}?limit=2'`],
  ]);
  if (config.corsOrigins?.includes('*')) say("--cors-origins '*': any web page you visit can read and change this mock; list the origins you use instead", {}, [], 'warn');
  const watcher = config.watch ? watchScenarios(mock.runtime, config.scenariosDir, (message, level) => say(message, {}, [], level)) : undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    watcher?.close();
    // Flush pending writes, then leave; a stuck close must not hold the container.
    setTimeout(() => process.exit(0), 900).unref();
    mock.close().then(
      () => {
        say(`stopped (${signal}); bye`, { signal });
        process.exit(0);
      },
      (error) => fail(error),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main(process.argv.slice(2)).catch(fail);
