import { isDotSegment, sha256Hex } from '../domain/ids.js';
import { HINT_LENGTH } from '../domain/secrets.js';
import { APP_TYPES, type AppType, type StoredClient, type StoredSecret } from '../domain/types.js';
import type { Scenario } from '../faults/scenarios.js';
import type { MockWorld } from '../runtime/world.js';

/** A provider-state request that cannot be served: answered 400, which Pact verifiers do not retry. */
export class ProviderStateError extends Error {
  override name = 'ProviderStateError';
}

export type ProviderStateAction = 'setup' | 'teardown';

export interface ProviderStateCall {
  state: string;
  params: Record<string, unknown>;
  action: ProviderStateAction;
}

type Result = Record<string, unknown>;

interface BuiltinState {
  /** The canonical wording, as documented. */
  name: string;
  params: string;
  pattern: RegExp;
  setup(world: StateContext, params: Record<string, unknown>, match: RegExpExecArray, state: string): Result;
  teardown?(world: StateContext, params: Record<string, unknown>, match: RegExpExecArray, state: string): Result;
}

/**
 * Reads both body shapes Pact verifiers send: the current `{"state","params","action"}` and
 * the legacy `{"consumer","state"|"states","params"}` (no action: setup). Other keys are ignored.
 */
export function parseProviderStateBody(body: unknown): ProviderStateCall[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ProviderStateError('The body must be a JSON object such as {"state": "no clients", "params": {}, "action": "setup"}.');
  const { state, states, params = {}, action = 'setup' } = body as Record<string, unknown>;
  if (action !== 'setup' && action !== 'teardown') throw new ProviderStateError('action must be "setup" or "teardown".');
  if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new ProviderStateError('params must be a JSON object.');
  let names: unknown[];
  // An interaction without a state: verifiers send `"state": ""` (or null, or `"states": []`); nothing to do.
  if (state === '' || state === null) names = [];
  else if (state !== undefined) names = [state];
  else if (Array.isArray(states)) names = states;
  else throw new ProviderStateError('The body must name a "state" (or, in the legacy shape, "states").');
  if (names.some((n) => typeof n !== 'string' || n.trim() === '')) throw new ProviderStateError('Each state must be a non-empty string.');
  return (names as string[]).map((name) => ({ state: name.trim(), params: params as Record<string, unknown>, action }));
}

/** The world a state acts on, and the scenarios it may apply. */
interface StateContext {
  world: MockWorld;
  scenarios: ReadonlyMap<string, Scenario>;
}

/**
 * Runs provider states in a world. Every state is looked up before any runs (an unknown one
 * changes nothing); each is idempotent, because verifiers retry. Returns the merged ids the
 * states created, for `fromProviderState`.
 */
export function runProviderStates(world: MockWorld, scenarios: ReadonlyMap<string, Scenario>, calls: readonly ProviderStateCall[]): Result {
  const ctx: StateContext = { world, scenarios };
  const resolved = calls.map((call) => ({ call, ...findState(ctx, call.state) }));
  const result: Result = {};
  for (const { call, builtin, match } of resolved) {
    const run = call.action === 'setup' ? builtin.setup : builtin.teardown;
    Object.assign(result, run?.(ctx, call.params, match, call.state) ?? {});
  }
  return result;
}

function findState(ctx: StateContext, state: string): { builtin: BuiltinState; match: RegExpExecArray } {
  for (const builtin of BUILTIN_STATES) {
    const match = builtin.pattern.exec(state);
    if (match) return { builtin, match };
  }
  // A scenario's bare name is a state too ("secret-limit-reached").
  if (ctx.scenarios.has(state)) return { builtin: SCENARIO_STATE, match: /^(.*)$/.exec(state)! };
  throw new ProviderStateError(
    `Unknown provider state "${state}". Known states: ${BUILTIN_STATES.map((s) => `"${s.name}"`).join(', ')}, or a scenario's name (${[...ctx.scenarios.keys()].join(', ')}).`,
  );
}

const SCENARIO_STATE: BuiltinState = {
  name: 'scenario <name>',
  params: 'name (else taken from the state text): a scenario of GET /__mock/scenarios',
  pattern: /^(?:the )?scenario(?: "?([a-z0-9][a-z0-9._-]*)"?)?$/i,
  setup(ctx, params, match) {
    const name = params.name ?? match[1];
    if (typeof name !== 'string' || !ctx.scenarios.has(name)) {
      throw new ProviderStateError(`Unknown scenario "${String(name)}"; available: ${[...ctx.scenarios.keys()].join(', ')}.`);
    }
    ctx.world.applyScenario(name);
    return { scenario: name, clients: ctx.world.store.count() };
  },
};

const BUILTIN_STATES: BuiltinState[] = [
  {
    name: 'no clients',
    params: 'none',
    pattern: /^(?:there are )?no (?:oauth )?clients(?: exist)?$/i,
    setup(ctx) {
      ctx.world.replaceData({ version: 1, clients: [] });
      return {};
    },
  },
  {
    name: 'a client exists',
    params: 'clientId (else derived from the state and params), appType (web, spa, native, anonymous-embed; default web), clientName, tenantId, secrets (web only, 0-5), published (true: shared with every tenant, as after POST .../actions/publish)',
    pattern: /^an? (published )?(?:(web|spa|native|anonymous-embed) )?(?:oauth )?client(?: with id "?([^\s"]+)"?)? exists$/i,
    setup: (ctx, params, match, state) => putClient(ctx, params, state, { published: match[1] !== undefined || undefined, appType: match[2]?.toLowerCase(), clientId: match[3] }),
    teardown: (ctx, params, match, state) => removeClient(ctx, params, state, { clientId: match[3] }),
  },
  {
    name: 'a web client with N secrets',
    params: 'secrets (else N from the state text; 1 when neither says, 0-5), clientId, clientName, tenantId',
    pattern: /^an? web (?:oauth )?client with (?:(\d+) )?(?:client )?secrets?$/i,
    setup: (ctx, params, match, state) =>
      putClient(ctx, { ...params, appType: 'web' }, state, { secrets: match[1] === undefined ? undefined : Number(match[1]) }),
    teardown: (ctx, params, _match, state) => removeClient(ctx, { ...params, appType: 'web' }, state, {}),
  },
  SCENARIO_STATE,
  {
    name: 'default state',
    params: 'none; the same as POST /__mock/reset',
    pattern: /^(?:the )?default (?:state|data)$/i,
    setup(ctx) {
      ctx.world.reset();
      return { clients: ctx.world.store.count() };
    },
  },
];

interface ClientParams {
  clientId: string;
  appType: AppType;
  clientName: string;
  tenantId: string;
  ownerId: string;
  secrets: number;
  published: boolean;
}

/** What a state's text says about the client, before its params. */
interface FromText {
  appType?: string;
  clientId?: string;
  secrets?: number;
  published?: boolean;
}

function clientParams(ctx: StateContext, params: Record<string, unknown>, state: string, fromText: FromText): ClientParams {
  const owner = ctx.world.identities.config.default;
  const str = (name: string, fallback: string | undefined): string => {
    const value = params[name] ?? fallback;
    if (typeof value !== 'string' || value.length === 0 || value.length > 512) throw new ProviderStateError(`params.${name} must be a non-empty string of at most 512 characters${typeof value === 'string' && value.length > 512 ? `; it has ${value.length}` : ''}.`);
    return value;
  };
  const appType = str('appType', fromText.appType ?? 'web') as AppType;
  if (!APP_TYPES.includes(appType)) throw new ProviderStateError(`params.appType must be one of ${APP_TYPES.join(', ')}.`);
  const secrets = params.secrets ?? fromText.secrets ?? (appType === 'web' ? 1 : 0);
  if (!Number.isInteger(secrets) || (secrets as number) < 0 || (secrets as number) > 5) throw new ProviderStateError('params.secrets must be a whole number from 0 to 5.');
  if (appType !== 'web' && secrets !== 0) throw new ProviderStateError('Only web clients have secrets.');
  const published = params.published ?? fromText.published ?? false;
  if (typeof published !== 'boolean') throw new ProviderStateError('params.published must be true or false.');
  if (published && appType === 'anonymous-embed') throw new ProviderStateError('An anonymous-embed client cannot be published.');
  const clientId = str('clientId', fromText.clientId ?? derivedId(state, params));
  if (isDotSegment(clientId)) throw new ProviderStateError(`params.clientId cannot be "${clientId}": .../oauth-clients/${clientId} is resolved away by URL parsing, so the client could not be read.`);
  return {
    clientId,
    appType,
    clientName: str('clientName', `Pact ${appType} client`),
    tenantId: str('tenantId', owner.tenantId),
    ownerId: str('ownerId', owner.userId),
    secrets: secrets as number,
    published,
  };
}

function putClient(ctx: StateContext, params: Record<string, unknown>, state: string, fromText: FromText): Result {
  const p = clientParams(ctx, params, state, fromText);
  const now = ctx.world.service.clock.next();
  const client: StoredClient = {
    tenantId: p.tenantId,
    clientId: p.clientId,
    appType: p.appType,
    clientName: p.clientName,
    connectionConfig: { consentMethod: 'required' },
    createdAt: now,
    updatedAt: now,
    ownerId: p.ownerId,
    createdByType: 'user',
    secrets: [],
  };
  if (p.published) client.publishedAt = now;
  if (p.appType === 'web') {
    Object.assign(client, {
      redirectUris: ['https://app.example.com/oauth/callback'],
      allowedGrantTypes: ['client_credentials'],
      allowedAuthMethods: ['client_secret'],
      allowedScopes: ['user_default'],
    });
  } else if (p.appType === 'spa') {
    Object.assign(client, { allowedOrigins: ['https://app.example.com'], redirectUris: ['https://app.example.com/callback'], allowedScopes: ['user_default'] });
  } else if (p.appType === 'native') {
    Object.assign(client, { redirectUris: ['http://localhost:53682/callback'], allowedScopes: ['user_default'] });
  } else {
    client.redirectUris = ['https://www.example.com/embed'];
  }
  // Deterministic secrets (the same on every retry), with distinct hints.
  const plaintexts: string[] = [];
  const records: StoredSecret[] = [];
  for (let i = 0; plaintexts.length < p.secrets; i++) {
    const plaintext = sha256Hex(`${p.tenantId}\u0000${p.clientId}\u0000secret\u0000${i}`);
    const hint = plaintext.slice(-HINT_LENGTH);
    if (records.some((r) => r.hint === hint)) continue;
    plaintexts.push(plaintext);
    records.push({ hint, hash: sha256Hex(plaintext), createdAt: now, createdBy: p.ownerId });
  }
  client.secrets = records;
  // A client id is unique across tenants: the state's client takes it from another tenant's.
  for (const other of ctx.world.store.clients()) if (other.clientId === p.clientId && other.tenantId !== p.tenantId) ctx.world.store.delete(other.tenantId, other.clientId);
  ctx.world.store.put(client);
  const result: Result = { clientId: p.clientId, appType: p.appType, tenantId: p.tenantId, clientName: p.clientName };
  if (client.publishedAt) result.publishedAt = client.publishedAt;
  if (p.appType === 'web') {
    result.secretHints = records.map((r) => r.hint);
    result.clientSecrets = plaintexts;
    if (records.length > 0) result.hint = records[0].hint;
  }
  return result;
}

function removeClient(ctx: StateContext, params: Record<string, unknown>, state: string, fromText: { clientId?: string }): Result {
  const tenantId = typeof params.tenantId === 'string' ? params.tenantId : ctx.world.identities.config.default.tenantId;
  const clientId = typeof params.clientId === 'string' ? params.clientId : (fromText.clientId ?? derivedId(state, params));
  ctx.world.store.delete(tenantId, clientId);
  return {};
}

/** Without a given id, the same state and params give the same id: verifiers retry. */
const derivedId = (state: string, params: Record<string, unknown>): string => sha256Hex(`provider-state\u0000${state}\u0000${stableJson(params)}`).slice(0, 32);

/** JSON with sorted keys, so `{a, b}` and `{b, a}` derive the same id. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
