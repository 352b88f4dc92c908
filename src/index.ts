import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ControlClient } from './client/control-client.js';
import { buildApp } from './app.js';
import { formatEvent } from './http/log-line.js';
import { logFormatOf, logOutput } from './http/logging.js';
import { createMockServer } from './http/server.js';
import { MockRuntime } from './runtime/mock-runtime.js';
import type { MockOptions } from './runtime/options.js';

export type { MockOptions } from './runtime/options.js';
export type { Snapshot } from './store/types.js';
export { MockRuntime } from './runtime/mock-runtime.js';
export { ControlClient, ControlError } from './client/control-client.js';
export type { FaultRuleInput } from './faults/rules.js';
export type { JournalEntry } from './journal/journal.js';

/** The Hono app of an in-memory mock, for `app.request()` with no socket at all. */
export function createApp(options: MockOptions = {}) {
  return buildApp(MockRuntime.inMemory(options));
}

export interface StartOptions extends MockOptions {
  /** 0 (the default here) picks a free port. */
  port?: number;
  host?: string;
  /** Persist to this lowdb JSON file instead of memory. */
  dataFile?: string;
}

export interface RunningMock {
  url: string;
  port: number;
  runtime: MockRuntime;
  /** The control API as typed methods: faults, scenarios, reset, the journal, provider states, sessions. */
  control: ControlClient;
  /**
   * A session of this mock, an isolated mock world: the headers to send with every request (to
   * fetch, the SDK or a browser context) and the control API acting on it.
   */
  session(name: string): { headers: { 'x-mock-session': string }; control: ControlClient };
  close(): Promise<void>;
}

/** Starts a mock on a real port. */
export async function startMock(options: StartOptions = {}): Promise<RunningMock> {
  const runtime = options.dataFile ? await MockRuntime.onFile(options.dataFile, options) : MockRuntime.inMemory(options);
  const host = options.host ?? '127.0.0.1';
  // Lines buffered for stdout are written out when the mock closes.
  const log = options.logLevel && options.logLevel !== 'silent' ? logOutput(options.logSink) : undefined;
  const app = buildApp(runtime, { boundHost: host, log });
  // Something unexpected below the app (no request to log it with): one line, in the request log's format.
  const format = logFormatOf(options);
  const logError = log && ((message: string) => log.write(formatEvent('error', message, format)));
  const server: Server = createMockServer({ fetch: app.fetch, logError });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? 'localhost' : host;
  const url = `http://${urlHost}:${port}`;
  const control = new ControlClient(url, { controlToken: options.controlToken });
  return {
    url,
    port,
    runtime,
    control,
    session: (name) => ({ headers: { 'x-mock-session': name }, control: control.session(name) }),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await runtime.world.store.close();
      log?.flushSync();
    },
  };
}
