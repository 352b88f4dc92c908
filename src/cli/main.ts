#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { startMock, type RunningMock } from '../index.js';
import { UnknownScenarioError } from '../runtime/mock-runtime.js';
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

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'verify') return void (process.exitCode = await (await import('../verify/command.js')).verifyCommand(argv.slice(1)));
  if (argv.includes('--help') || argv.includes('-h')) return void console.log(helpText(version));
  if (argv.includes('--version') || argv.includes('-v')) return void console.log(version);
  const config = parseConfig(argv, process.env);
  keepHeapSmall();
  const mock: RunningMock = await startMock({ ...config, logLevel: config.logLevel });
  const { store } = mock.runtime.world;
  console.log(
    `qlik-oauth-clients-mock ${version} listening on ${mock.url} ` +
      `(store: ${store.kind === 'file' ? store.location : 'memory'}, scenario: ${config.scenario ?? 'default'}, clients: ${store.count()})`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // Flush pending writes, then leave; a stuck close must not hold the container.
    setTimeout(() => process.exit(0), 900).unref();
    mock.close().then(
      () => process.exit(0),
      (error) => fail(error),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main(process.argv.slice(2)).catch(fail);
