import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { MAX_JSON_DEPTH, nestingWithin } from '../contract/json-depth.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onFirstUse } from '../contract/ajv.js';
import type { Identity } from '../domain/types.js';
import { parseSnapshot, snapshotSchema } from '../store/snapshot.js';
import type { Snapshot } from '../store/types.js';
import { FaultEngine } from './engine.js';
import { faultRuleSchema, type FaultRuleInput } from './rules.js';
import { describeSchemaError as describeError } from '../contract/validators.js';

/** Where a scenario's clients come from. */
export type ScenarioData =
  | { kind: 'fixtures' }
  | { kind: 'clients'; snapshot: Snapshot }
  | { kind: 'faker'; count: number; seed: number };

export interface ScenarioRateLimits {
  /** Requests per minute by tier (`"1"`, `"2"`), overriding the document's `x-qlik-tier` limits. */
  tiers: Record<string, number>;
}

/** A validated scenario file. */
export interface Scenario {
  name: string;
  file: string;
  description: string;
  /** Absent: applying the scenario keeps the current data. */
  data?: ScenarioData;
  /** Added to (and overriding) the mock's starting identities. */
  identities?: { default?: Identity; tokens?: Record<string, Identity> };
  faults: FaultRuleInput[];
  /** `true`: the document's limits; an object: its tiers override them. Absent: as the mock started. */
  rateLimits?: true | ScenarioRateLimits;
}

/** The shipped scenarios: the top-level scenarios/ folder, beside src/ and dist/. */
export const SCENARIOS_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

const identity = {
  type: 'object',
  additionalProperties: false,
  required: ['userId', 'tenantId', 'admin'],
  properties: { userId: { type: 'string', minLength: 1 }, tenantId: { type: 'string', minLength: 1 }, admin: { type: 'boolean' } },
} as const;
const SAFE_KEY = { not: { enum: ['__proto__', 'constructor', 'prototype'] } } as const;

/** The parts of a scenario file that JSON Schema describes well; `data` and `faults` are checked in code for clearer messages. */
export const scenarioFileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['description'],
  properties: {
    $schema: { type: 'string' },
    description: { type: 'string' },
    data: {},
    identities: {
      type: 'object',
      additionalProperties: false,
      properties: {
        default: identity,
        tokens: { type: 'object', propertyNames: SAFE_KEY, additionalProperties: identity },
      },
    },
    faults: { type: 'array', items: {} },
    rateLimits: {},
  },
} as const;
const validateFileOf = onFirstUse(scenarioFileSchema);

export const rateLimitsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['tiers'],
  properties: { tiers: { type: 'object', propertyNames: { pattern: '^[0-9]+$' }, additionalProperties: { type: 'integer', minimum: 1 } } },
} as const;
const validateRateLimitsOf = onFirstUse(rateLimitsSchema);

export const fakerSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['count'],
  properties: { count: { type: 'integer', minimum: 1, maximum: 100_000 }, seed: { type: 'integer' } },
} as const;
const validateFakerOf = onFirstUse(fakerSchema);

export const SCENARIO_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * Reads and validates every `*.json` file of `dir` (synchronously, at startup). The first bad
 * file throws a ScenarioError naming the file and the field. A missing folder is an empty set
 * unless `required`.
 */
export function loadScenarios(dir: string, operationIds: readonly string[], required = false): Map<string, Scenario> {
  const scenarios = new Map<string, Scenario>();
  if (!existsSync(dir)) {
    if (required) throw new ScenarioError(`The scenarios folder ${dir} does not exist.`);
    return scenarios;
  }
  // A JSON Schema beside the scenarios (scenario.schema.json) is for editors, not a scenario.
  for (const entry of readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json')).sort()) {
    const file = join(dir, entry);
    const name = entry.slice(0, -'.json'.length);
    if (!SCENARIO_NAME.test(name)) throw new ScenarioError(`Scenario file ${file}: the name "${name}" must be lowercase letters, digits, ".", "_" or "-".`);
    // A FIFO or a device would block the read (and with it the whole mock, under --watch).
    if (!statSync(file, { throwIfNoEntry: false })?.isFile()) throw new ScenarioError(`Scenario file ${file} is not a regular file.`);
    let json: unknown;
    try {
      const text = readFileSync(file, 'utf8');
      // What runs on a scenario's data later (clone, journal, JSON answers) recurses.
      if (!nestingWithin(text, MAX_JSON_DEPTH)) throw new Error(`it nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`);
      json = JSON.parse(text);
    } catch (error) {
      throw new ScenarioError(`Scenario "${name}" (${file}) cannot be read as JSON: ${withoutQuote(error as Error)}`);
    }
    try {
      scenarios.set(name, parseScenario(name, file, json, operationIds));
    } catch (error) {
      throw new ScenarioError(`Scenario "${name}" (${file}) is invalid: ${(error as Error).message}`);
    }
  }
  return scenarios;
}

/** A JSON.parse error without the part of the text V8 quotes in it: a log line must not repeat a file's content. */
function withoutQuote(error: Error): string {
  if (!(error instanceof SyntaxError)) return error.message;
  const position = /position (\d+)/.exec(error.message)?.[1];
  return position === undefined ? 'it is not valid JSON.' : `it is not valid JSON (at position ${position}).`;
}

/** Checks one scenario document; throws an Error naming the field, e.g. `faults[0].status must be <= 599.` */
export function parseScenario(name: string, file: string, json: unknown, operationIds: readonly string[]): Scenario {
  const validateFile = validateFileOf();
  if (!validateFile(json)) throw new Error(describeError(validateFile.errors, 'scenario'));
  const doc = json as { description: string; data?: unknown; identities?: Scenario['identities']; faults?: unknown[]; rateLimits?: Scenario['rateLimits'] };
  // The engine validates rules exactly as POST /__mock/faults does, ids included.
  new FaultEngine(operationIds).replaceAll(doc.faults ?? [], 'scenario.faults');
  const validateRateLimits = validateRateLimitsOf();
  if (doc.rateLimits !== undefined && doc.rateLimits !== true && !validateRateLimits(doc.rateLimits)) {
    throw new Error(
      doc.rateLimits && typeof doc.rateLimits === 'object'
        ? describeError(validateRateLimits.errors, 'scenario.rateLimits')
        : 'scenario.rateLimits must be true or {"tiers": {"1": N, "2": N}}.',
    );
  }
  return {
    name,
    file,
    description: doc.description,
    data: doc.data === undefined ? undefined : parseData(doc.data),
    identities: doc.identities,
    faults: (doc.faults ?? []) as FaultRuleInput[],
    rateLimits: doc.rateLimits,
  };
}

function parseData(data: unknown): ScenarioData {
  if (data === 'fixtures') return { kind: 'fixtures' };
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const keys = Object.keys(data);
    if (keys.length === 1 && keys[0] === 'clients') {
      try {
        return { kind: 'clients', snapshot: parseSnapshot({ version: 1, clients: (data as { clients: unknown }).clients }) };
      } catch (error) {
        throw new Error((error as Error).message.replace(/^state\./, 'scenario.data.'));
      }
    }
    if (keys.length === 1 && keys[0] === 'faker') {
      const faker = (data as { faker: unknown }).faker;
      const validateFaker = validateFakerOf();
      if (!validateFaker(faker)) throw new Error(describeError(validateFaker.errors, 'scenario.data.faker'));
      const { count, seed } = faker as { count: number; seed?: number };
      return { kind: 'faker', count, seed: seed ?? 1 };
    }
  }
  throw new Error('scenario.data must be "fixtures", {"clients": [...]} or {"faker": {"count": N, "seed": S}}.');
}

/**
 * The JSON Schema of a scenario file, for editors (scenarios/scenario.schema.json, which every
 * bundled scenario names in `$schema`): composed from the schemas the mock validates with, so
 * the two cannot drift (a test compares the file with this).
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'qlik-oauth-clients-mock scenario',
    description: 'A named bundle of data, identities, fault rules and rate limits (README: Scenarios). The file name, without .json, is its name.',
    ...scenarioFileSchema,
    properties: {
      ...scenarioFileSchema.properties,
      $schema: { type: 'string', description: 'This schema, for editors.' },
      description: { type: 'string', description: 'What a reader of GET /__mock/scenarios needs to know.' },
      data: {
        description: 'Where the clients come from; absent: applying the scenario keeps the current data.',
        oneOf: [
          { const: 'fixtures', description: 'The embedded example data.' },
          { type: 'object', additionalProperties: false, required: ['clients'], properties: { clients: snapshotSchema.properties.clients } },
          { type: 'object', additionalProperties: false, required: ['faker'], properties: { faker: fakerSchema } },
        ],
      },
      faults: { type: 'array', description: 'Fault rules, as POST /__mock/faults takes them; they replace the current rules.', items: faultRuleSchema },
      rateLimits: { description: 'true: the documents\' x-qlik-tier limits; or requests per minute by tier.', oneOf: [{ const: true }, rateLimitsSchema] },
    },
  };
}
