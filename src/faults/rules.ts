import { onFirstUse } from '../contract/ajv.js';
import { describeSchemaError as describeError } from '../contract/validators.js';
import { compilePathPattern, PathPatternError } from './path-pattern.js';

export { compilePathPattern, PathPatternError, type PathPattern } from './path-pattern.js';

/** The longest latency a rule or `Prefer: delay=` may add: one minute. */
export const MAX_DELAY_MS = 60_000;

export type ConnectionFault = 'reset' | 'malformed-json';

/**
 * A fault rule as a consumer writes it (POST /__mock/faults, or a scenario's `faults`).
 * WHAT: `status` (+ `headers`, `body`), `delayMs`, `connection`.
 * WHICH: `operationId`, `method`, `path`, `header`, `clientId` (all given must match).
 * HOW OFTEN: `times`, `probability` (+ `seed`); neither means until removed.
 */
export interface FaultRuleInput {
  id?: string;
  description?: string;
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  delayMs?: number;
  connection?: ConnectionFault;
  operationId?: string;
  method?: string;
  path?: string;
  header?: { name: string; value: string };
  clientId?: string;
  times?: number;
  probability?: number;
  seed?: number;
}

/** A validated rule: method upper-cased, `id` always present. */
export interface FaultRule extends FaultRuleInput {
  id: string;
}

export class FaultRuleError extends Error {
  override name = 'FaultRuleError';
}

const TOKEN = '^[!#$%&\'*+.^_`|~0-9A-Za-z-]+$';

/** A rule's `headers`: at most this many, and this many bytes in all (names and values), so an answer stays well within what clients read. */
export const MAX_RULE_HEADERS = 50;
export const MAX_RULE_HEADER_BYTES = 16 * 1024;

/**
 * What Node lets a header value hold (its `validateHeaderValue`): tab, visible ASCII and the rest
 * of latin-1. CR, LF, NUL and other control characters would split or corrupt the answer, and a
 * character above U+00FF cannot be sent as a header byte: either made every matching request a 500.
 */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const BAD_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/u;

/** The JSON Schema of a fault rule (closed: unknown fields are refused, which catches typos). */
export const faultRuleSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
    description: { type: 'string', maxLength: 1000 },
    status: { type: 'integer', minimum: 200, maximum: 599 },
    headers: {
      type: 'object',
      maxProperties: MAX_RULE_HEADERS,
      propertyNames: { pattern: TOKEN, maxLength: 256 },
      additionalProperties: { type: 'string', maxLength: 8192 },
    },
    body: {},
    delayMs: { type: 'integer', minimum: 0, maximum: MAX_DELAY_MS },
    connection: { enum: ['reset', 'malformed-json'] },
    operationId: { type: 'string', minLength: 1 },
    method: { type: 'string', pattern: '^[A-Za-z]+$' },
    path: { type: 'string', minLength: 1, maxLength: 2000 },
    header: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'value'],
      properties: { name: { type: 'string', pattern: TOKEN }, value: { type: 'string' } },
    },
    clientId: { type: 'string', minLength: 1 },
    times: { type: 'integer', minimum: 1, maximum: 1_000_000_000 },
    probability: { type: 'number', minimum: 0, maximum: 1 },
    seed: { type: 'integer', minimum: -2147483648, maximum: 4294967295 },
  },
} as const;

const shapeValidator = onFirstUse(faultRuleSchema);

/**
 * Headers a rule may not set: the server computes them, and a wrong one breaks the connection.
 * `content-length`, `transfer-encoding` and the hop-by-hop headers (RFC 9110 §7.6.1: `connection`,
 * `keep-alive`, `proxy-connection`, `te`, `trailer`, `upgrade`).
 */
const RESERVED_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade']);

/**
 * Checks a rule from outside and returns it normalized; throws a FaultRuleError naming the
 * field (e.g. `rule.status must be <= 599.`). `operationIds` are the contract's operations and the token endpoint's,
 * so that a misspelt operationId is refused instead of silently never matching.
 */
export function parseFaultRule(input: unknown, operationIds: readonly string[], root = 'rule'): FaultRuleInput {
  const validateShape = shapeValidator();
  if (!validateShape(input)) throw new FaultRuleError(describeError(validateShape.errors, root));
  const rule = { ...(input as FaultRuleInput) };
  const fail = (field: string, message: string): never => {
    throw new FaultRuleError(`${root}.${field} ${message}`);
  };
  // Path segments the URL parser resolves: such a rule could never be read or removed by id.
  if (rule.id === '.' || rule.id === '..') fail('id', `cannot be "${rule.id}": /__mock/faults/${rule.id} is resolved away by URL parsing, so the rule could not be read or removed by id.`);
  if (rule.status === undefined && rule.delayMs === undefined && rule.connection === undefined) {
    throw new FaultRuleError(`${root} must say what happens: give "status", "delayMs" or "connection".`);
  }
  if (rule.connection === 'reset') {
    if (rule.status !== undefined) fail('status', 'cannot be combined with connection "reset" (no response is sent).');
    if (rule.body !== undefined) fail('body', 'cannot be combined with connection "reset" (no response is sent).');
    if (rule.headers !== undefined) fail('headers', 'cannot be combined with connection "reset" (no response is sent).');
  } else if (rule.connection === 'malformed-json') {
    if (rule.body !== undefined && typeof rule.body !== 'string') fail('body', 'must be a string (the broken JSON text to send) with connection "malformed-json".');
    if (rule.status === 204 || rule.status === 205 || rule.status === 304) fail('status', `cannot be ${rule.status} with connection "malformed-json": a ${rule.status} carries no body to break.`);
  } else {
    if (rule.status !== undefined && rule.status < 400) fail('status', 'must be an error status (400-599); other statuses only with connection "malformed-json".');
    if (rule.status === undefined && rule.body !== undefined) fail('body', 'needs a "status".');
    if (rule.status === undefined && rule.headers !== undefined) fail('headers', 'needs a "status".');
  }
  let headerBytes = 0;
  for (const [name, value] of Object.entries(rule.headers ?? {})) {
    if (RESERVED_HEADERS.has(name.toLowerCase())) fail(`headers.${name}`, 'is computed by the server and cannot be set.');
    if (!HEADER_VALUE.test(value)) {
      const bad = BAD_HEADER_CHAR.exec(value)!;
      const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      fail(`headers.${name}`, `cannot hold U+${code} (at character ${bad.index + 1}): a header value is latin-1 text without CR, LF, NUL or other control characters but tab.`);
    }
    headerBytes += name.length + value.length;
  }
  if (headerBytes > MAX_RULE_HEADER_BYTES) fail('headers', `hold ${headerBytes} bytes of names and values; at most ${MAX_RULE_HEADER_BYTES} are allowed.`);
  if (rule.operationId !== undefined && !operationIds.includes(rule.operationId)) {
    fail('operationId', `"${rule.operationId}" is not an operation of the mock; one of ${operationIds.map((o) => `"${o}"`).join(', ')}.`);
  }
  if (rule.path !== undefined) {
    // A request path starts with "/": a pattern that starts with a letter or digit never matches one.
    if (/^\^?[A-Za-z0-9_-]/.test(rule.path)) fail('path', `"${rule.path}" can never match: request paths start with "/" (e.g. "/api/v1/oauth-clients").`);
    try {
      compilePathPattern(rule.path);
    } catch (error) {
      if (!(error instanceof PathPatternError)) throw error;
      fail('path', error.message); // `is not a valid glob: ….` or `is not a valid regular expression: ….`
    }
  }
  if (rule.seed !== undefined && rule.probability === undefined) fail('seed', 'only makes sense with a "probability".');
  if (rule.method !== undefined) rule.method = rule.method.toUpperCase();
  return rule;
}
