import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../runtime/options.js';

/** A wrong flag or value: the CLI prints the message on one line and exits with status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliConfig {
  port: number;
  host: string;
  dataFile?: string;
  scenario?: string;
  seedCount?: number;
  fakerSeed?: number;
  publicBaseUrl?: string;
  logLevel: LogLevel;
  /** Undefined: pretty on a terminal, json elsewhere. */
  logFormat?: LogFormat;
  scenariosDir?: string;
  watch: boolean;
  corsOrigins?: string[];
  allowedHosts?: string[];
  rateLimits: boolean;
  controlToken?: string;
  maxSessions?: number;
  sessionTtlMs?: number;
}

/** Every setting: its flag, the environment variable that mirrors it, and its help line. */
export const SETTINGS = [
  { flag: 'port', env: 'PORT', type: 'string', help: 'port to listen on (default 8080; 0 picks a free one)' },
  { flag: 'host', env: 'HOST', type: 'string', help: 'address to bind (default 0.0.0.0; 127.0.0.1 for loopback only)' },
  { flag: 'data', env: 'DATA_FILE', type: 'string', help: 'persist to this lowdb JSON file (default: in memory)' },
  { flag: 'scenario', env: 'SCENARIO', type: 'string', help: 'apply a scenario at start (see the list below)' },
  { flag: 'scenarios-dir', env: 'SCENARIOS_DIR', type: 'string', help: 'read scenario files from this folder instead of the bundled one' },
  { flag: 'watch', env: 'WATCH', type: 'boolean', help: 'reload the scenario files when they change (a bad one is refused, the last good set kept)' },
  { flag: 'seed-count', env: 'SEED_COUNT', type: 'string', help: 'add N faker-generated clients' },
  { flag: 'faker-seed', env: 'FAKER_SEED', type: 'string', help: 'seed that makes generated clients repeatable' },
  { flag: 'public-base-url', env: 'PUBLIC_BASE_URL', type: 'string', help: 'origin for absolute paging links, e.g. https://mock.example.com' },
  { flag: 'log-level', env: 'LOG_LEVEL', type: 'string', help: `one of ${LOG_LEVELS.join(', ')} (default info)` },
  { flag: 'log-format', env: 'LOG_FORMAT', type: 'string', help: 'pretty (one readable line per request) or json (default: pretty on a terminal, json elsewhere)' },
  { flag: 'cors-origins', env: 'CORS_ORIGINS', type: 'string', help: "origins besides loopback ones browsers may use (comma-separated; '*': any, unsafe)" },
  { flag: 'allowed-hosts', env: 'ALLOWED_HOSTS', type: 'string', help: 'more host names the mock answers to: for browsers, and public DNS names for any client (comma-separated)' },
  { flag: 'rate-limits', env: 'RATE_LIMITS', type: 'boolean', help: "enforce each operation's x-qlik-tier rate limit" },
  { flag: 'control-token', env: 'CONTROL_TOKEN', type: 'string', help: 'require "Authorization: Bearer <token>" on /__mock' },
  { flag: 'max-sessions', env: 'MAX_SESSIONS', type: 'string', help: 'how many sessions (x-mock-session) may exist at once (default 100)' },
  { flag: 'session-ttl', env: 'SESSION_TTL', type: 'string', help: 'end a session idle this long: 90s, 30m, 2h, or a number of minutes (default 30m)' },
] as const;

type Raw = Record<string, string | boolean | undefined>;

/** Flags win over environment variables, which win over defaults. */
export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv): CliConfig {
  let values: Raw;
  try {
    ({ values } = parseArgs({
      args: joinNegativeValues(argv),
      options: Object.fromEntries(SETTINGS.map((s) => [s.flag, { type: s.type }])),
      strict: true,
      allowPositionals: false,
    }) as { values: Raw });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  const read = (flag: string): string | undefined => {
    const setting = SETTINGS.find((s) => s.flag === flag)!;
    const value = values[flag];
    if (typeof value === 'string') return value;
    const fromEnv = env[setting.env];
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  };
  const logLevel = read('log-level') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new UsageError(`--log-level (LOG_LEVEL) must be one of ${LOG_LEVELS.join(', ')}; got "${logLevel}"`);
  }
  const logFormat = read('log-format');
  if (logFormat !== undefined && !(LOG_FORMATS as readonly string[]).includes(logFormat)) {
    throw new UsageError(`--log-format (LOG_FORMAT) must be one of ${LOG_FORMATS.join(', ')}; got "${logFormat}"`);
  }
  const publicBaseUrl = read('public-base-url');
  if (publicBaseUrl !== undefined && !/^https?:\/\/[^/?#]+\/?$/.test(publicBaseUrl)) {
    throw new UsageError(`--public-base-url (PUBLIC_BASE_URL) must be an origin such as https://mock.example.com; got "${publicBaseUrl}"`);
  }
  const corsOrigins = read('cors-origins')?.split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of corsOrigins ?? []) {
    if (origin === '*') continue;
    // Browsers send Origin as scheme://host[:port], lower case, no path: anything else never matches.
    if (!/^https?:\/\/[^/?#]+$/.test(origin) || originOf(origin) !== origin) {
      throw new UsageError(`--cors-origins (CORS_ORIGINS) takes origins such as https://app.example.com (lower case, no path or trailing slash); got "${origin}"`);
    }
  }
  const allowedHosts = read('allowed-hosts')?.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
  for (const host of allowedHosts ?? []) {
    if (!/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.?$|^\[[0-9a-f:.]+\]$/.test(host)) {
      throw new UsageError(`--allowed-hosts (ALLOWED_HOSTS) takes host names such as qlik or mock.example.com (no scheme, port or path); got "${host}"`);
    }
  }
  // An unset CI secret expands to '': a control token that is set but empty would leave the
  // control API open without a word, so it is refused (the flag and the variable alike).
  const controlToken = typeof values['control-token'] === 'string' ? values['control-token'] : env.CONTROL_TOKEN;
  if (controlToken !== undefined && controlToken.trim() === '') {
    const where = typeof values['control-token'] === 'string' ? '--control-token' : 'CONTROL_TOKEN';
    throw new UsageError(`${where} is set but empty; give the token, or leave it out to keep the control API open`);
  }
  /** A boolean flag, or its environment variable as true/false/1/0. */
  const flagOrEnv = (flag: string): boolean => {
    const name = SETTINGS.find((s) => s.flag === flag)!.env;
    const fromEnv = env[name];
    if (fromEnv !== undefined && !['', 'true', 'false', '1', '0'].includes(fromEnv)) throw new UsageError(`${name} must be true or false; got "${fromEnv}"`);
    return values[flag] === true || fromEnv === 'true' || fromEnv === '1';
  };
  return {
    port: integer('port', read('port') ?? '8080', 0, 65535),
    host: read('host') ?? '0.0.0.0',
    dataFile: read('data'),
    scenario: read('scenario'),
    seedCount: optionalInteger('seed-count', read('seed-count'), 0, 1_000_000),
    fakerSeed: optionalInteger('faker-seed', read('faker-seed'), 0, 2 ** 31 - 1),
    publicBaseUrl,
    logLevel: logLevel as LogLevel,
    logFormat: logFormat as LogFormat | undefined,
    scenariosDir: folder('scenarios-dir', read('scenarios-dir')),
    watch: flagOrEnv('watch'),
    corsOrigins,
    allowedHosts,
    rateLimits: flagOrEnv('rate-limits'),
    controlToken,
    maxSessions: optionalInteger('max-sessions', read('max-sessions'), 1, 100_000),
    sessionTtlMs: duration('session-ttl', read('session-ttl')),
  };
}

const VALUED_FLAGS = new Set(SETTINGS.filter((s) => s.type === 'string').map((s) => `--${s.flag}`));

/** A folder that must exist. */
function folder(flag: string, path: string | undefined): string | undefined {
  if (path !== undefined && !statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UsageError(`--${flag} (${SETTINGS.find((s) => s.flag === flag)?.env}): there is no folder ${JSON.stringify(path)}`);
  }
  return path;
}

/** `--port -1` as `--port=-1`: parseArgs calls a value that starts with "-" ambiguous, the range check says what is wrong with it. */
function joinNegativeValues(argv: readonly string[]): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (VALUED_FLAGS.has(argv[i]) && /^-\d/.test(argv[i + 1] ?? '')) args.push(`${argv[i]}=${argv[++i]}`);
    else args.push(argv[i]);
  }
  return args;
}

/** `90s`, `30m`, `2h`, or whole minutes; at least a second, at most a week. */
function duration(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d{1,9})(s|m|h)?$/.exec(raw.trim());
  const ms = m ? Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'm') as 's' | 'm' | 'h'] : NaN;
  if (!(ms >= 1000 && ms <= 7 * 24 * 3_600_000)) {
    const env = SETTINGS.find((s) => s.flag === flag)?.env;
    throw new UsageError(`--${flag} (${env}) must be a duration such as 90s, 30m or 2h (1 s to 7 days); got "${raw}"`);
  }
  return ms;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function integer(flag: string, raw: string, min: number, max: number): number {
  const value = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const env = SETTINGS.find((s) => s.flag === flag)?.env;
    throw new UsageError(`--${flag} (${env}) must be a whole number from ${min} to ${max}; got "${raw}"`);
  }
  return value;
}

const optionalInteger = (flag: string, raw: string | undefined, min: number, max: number) =>
  raw === undefined ? undefined : integer(flag, raw, min, max);

/** Rows of two columns, the second aligned. */
const columns = (rows: [string, string][]): string[] => {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`);
};

/** `--help`: usage, every option with its variable, examples, and the scenarios at hand. */
export function helpText(version: string, scenarios: readonly { name: string; description: string }[] = []): string {
  const options = columns([
    ...SETTINGS.map((s): [string, string] => [`--${s.flag}${s.type === 'string' ? ' <value>' : ''}`, `${s.help} [${s.env}]`]),
    ['-h, --help', 'show this help'],
    ['-v, --version', 'show the version'],
  ]);
  return [
    `qlik-oauth-clients-mock ${version}: a stateful mock of Qlik Cloud's OAuth clients APIs (/api/v1 and /api/core)`,
    '',
    'Usage:',
    ...columns([
      ['qlik-oauth-clients-mock [options]', 'start the mock'],
      ['qlik-oauth-clients-mock verify <pact.json...>', 'verify pacts against the mock and the contracts (verify --help)'],
    ]),
    '',
    'Options (each also read from the environment variable in brackets):',
    ...options,
    '',
    'Examples:',
    ...columns([
      ['qlik-oauth-clients-mock', 'on http://localhost:8080 with the embedded example data'],
      ['qlik-oauth-clients-mock --port 4010 --scenario empty', 'no clients at all'],
      ['qlik-oauth-clients-mock --data ./db.json', 'keep changes in a JSON file across runs'],
      ['qlik-oauth-clients-mock --seed-count 5000 --faker-seed 7', 'add 5,000 generated clients, the same on every run'],
      ['qlik-oauth-clients-mock --scenarios-dir ./my-scenarios --watch', 'your own scenarios, reloaded when they change'],
      ['LOG_FORMAT=json qlik-oauth-clients-mock', 'JSON log lines on a terminal too'],
    ]),
    ...(scenarios.length > 0 ? ['', 'Scenarios (--scenario, POST /__mock/scenarios/{name}):', ...columns(scenarios.map((s): [string, string] => [s.name, firstSentence(s.description)]))] : []),
  ].join('\n');
}

/** A description's first sentence, cut at a word to fit a line of help. */
const firstSentence = (text: string, max = 90): string => {
  const end = text.search(/\.(\s|$)/);
  const sentence = end < 0 ? text : text.slice(0, end);
  return sentence.length <= max ? sentence : `${sentence.slice(0, sentence.lastIndexOf(' ', max))} …`;
};
