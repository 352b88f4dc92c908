import type { IdentityConfig } from '../domain/identities.js';
import type { Entropy } from '../domain/ids.js';
import type { Snapshot } from '../store/types.js';

export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogSink = (line: string) => void;
export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** How a mock is started: its data, identities, behaviour and logging. */
export interface MockOptions {
  /** Initial data; defaults to the embedded fixtures. */
  data?: Snapshot;
  /** Add this many faker-generated clients to the default tenant. */
  seedCount?: number;
  /** Makes faker data repeatable. */
  fakerSeed?: number;
  /** Origin for absolute paging links, e.g. https://mock.example.com (else taken from the request). */
  publicBaseUrl?: string;
  identities?: IdentityConfig;
  /** Secret that signs paging cursors; random per process unless given. */
  cursorSecret?: string;
  entropy?: Entropy;
  /** Request log level; silent unless asked for (the CLI defaults to info). */
  logLevel?: LogLevel;
  /** Where log lines go (default stdout, buffered). */
  logSink?: LogSink;
  /** `pretty` (one readable line per request) or `json` lines; default pretty on a terminal, json elsewhere and with a logSink. */
  logFormat?: LogFormat;
  /** Origins besides loopback ones a browser may use the mock from; `['*']` allows any (unsafe). */
  corsOrigins?: string[];
  /** Host names besides loopback ones (and the bound address, the public base URL's) a browser may reach the mock under, and any client under a public DNS name. */
  allowedHosts?: string[];
  /** When set, the control API requires `Authorization: Bearer <controlToken>`. */
  controlToken?: string;
  /** Apply this scenario (a file of `scenariosDir`, without `.json`) at start. */
  scenario?: string;
  /** Enforce each operation's `x-qlik-tier` limit per identity (off by default). */
  rateLimits?: boolean;
  /** Where scenario files are read from; defaults to the top-level scenarios/ folder. */
  scenariosDir?: string;
  /** How many API requests the journal keeps (default 1000), per session. */
  journalLimit?: number;
  /** How many named sessions may exist at once (default 100; the default session does not count). */
  maxSessions?: number;
  /** A named session idle for longer than this ends (default 30 minutes). */
  sessionTtlMs?: number;
}
