/**
 * Model-based fuzzing: fast-check generates sequences of API calls, valid and invalid, by
 * callers of several identities, and runs each against the real Hono app (app.request, no
 * socket) and the reference model in test/support/model.ts side by side. After every step:
 *  - the status is the model's, and every response passes Prism's validator (apiClient);
 *  - reads, lists and created clients equal the model's exactly;
 *  - the stored state equals the model (at most 5 secrets, stored as hash + hint only, never the plaintext);
 *  - each tenant's list holds exactly its own clients.
 * After every run: paging forward and back over the stable set returns each client exactly
 * once, and neither the request log nor the journal holds a bearer token or a secret.
 *
 *   FUZZ_SEED=<n> FUZZ_RUNS=<n> FUZZ_COMMANDS=<n> npx vitest run test/reliability/model.fuzz.test.ts
 *   npm run fuzz                    (500 runs)
 *   FUZZ_SEED=<seed> FUZZ_PATH=<path> [FUZZ_REPLAY=<replayPath>] ...   replays a failure fast-check
 *   reported (seed and path from its `{ seed, path }` line, replayPath from the counterexample)
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Entropy } from '../../src/domain/ids.js';
import { createApp } from '../../src/index.js';
import { apiClient, type ApiClient, type Reply } from '../support/api.js';
import {
  ABSENT,
  applyPatchToView,
  authenticate,
  authorizationFor,
  BASES,
  COMPARE_OPS,
  createdView,
  createRequest,
  createStatus,
  DEFECTS,
  DEFAULT_TENANT,
  describeTarget,
  EXTRAS,
  FILTER_ATTRIBUTES,
  INVALID_FILTERS,
  Model,
  NAMES,
  OTHER_TENANT,
  PATCH_VALUES,
  patchBodyStatus,
  patchRequest,
  predictPage,
  renderFilter,
  resolveTarget,
  SORT_KEYS,
  TOKENS,
  viewOfStored,
  type Caller,
  type CreateEncoding,
  type CreateSpec,
  type FilterTree,
  type ListQuery,
  type ModelClient,
  type PatchOpSpec,
  type PatchSpec,
  type PagePrediction,
  type SavedCursor,
  type SortKey,
  type StoredRecord,
  type Target,
  type View,
} from '../support/model.js';

const SEED = Number(process.env.FUZZ_SEED ?? 424242);
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const MAX_COMMANDS = Number(process.env.FUZZ_COMMANDS ?? 30);
const PATH = process.env.FUZZ_PATH;
/** The replayPath fast-check prints beside a failing command sequence. */
const REPLAY = process.env.FUZZ_REPLAY;

const BASE = 'http://mock.test';
/** The model is the core API's; the tenant API (its own contract) has its own tests. */
const PREFIXES = ['/api/core/oauth-clients'] as const;
type Prefix = (typeof PREFIXES)[number];
const V1 = '/api/v1/oauth-clients';
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

interface Real {
  api: ApiClient;
  /** For the control API, which the contract's oracle does not judge. */
  control: (path: string) => Promise<string>;
  logs: string[];
}

/** Repeatable ids, secrets and clock for one run. */
function seededEntropy(seed: number): Entropy {
  let counter = 0;
  let clock = Date.UTC(2025, 0, 1);
  return {
    hex: (bytes) => {
      let out = '';
      while (out.length < bytes * 2) out += createHash('sha256').update(`${seed}:${counter++}`).digest('hex');
      return out.slice(0, bytes * 2);
    },
    now: () => (clock += 3),
  };
}

async function send(real: Real, method: string, path: string, caller: Caller, init: { raw?: string; contentType?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...init.headers };
  const authorization = authorizationFor(caller);
  if (authorization !== undefined) headers.authorization = authorization;
  if (init.contentType !== undefined) headers['content-type'] = init.contentType;
  return real.api.call(method, path, { token: null, headers, raw: init.raw });
}

/** How often each command met each status, to see what the generator covers (FUZZ_STATS=1 prints it). */
const outcomes = new Map<string, number>();

function expectStatus(reply: Reply, expected: number, what: string): void {
  expect(reply.status, `${what} → ${reply.status} ${reply.text.slice(0, 300)}`).toBe(expected);
  expect(reply.status, 'no 5xx without a fault').toBeLessThan(500);
  const key = `${/^[A-Za-z]+/.exec(what)?.[0] ?? what} ${reply.status}`;
  outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
}

// ---------------------------------------------------------------------------------------------
// List queries

type FilterParam = { kind: 'tree'; tree: FilterTree } | { kind: 'invalid'; text: string };
const EXTRA_PARAMS = ['repeatLimit', 'repeatFilter', 'repeatSort', 'nextAndPrev', 'emptyNext', 'unknownParams'] as const;

interface ListSpec {
  filter?: FilterParam;
  sort?: string;
  limit?: string;
  totalResults?: string;
  extra?: (typeof EXTRA_PARAMS)[number];
}

function listPath(prefix: string, spec: ListSpec): string {
  const p = new URLSearchParams();
  if (spec.filter) p.append('filter', spec.filter.kind === 'tree' ? renderFilter(spec.filter.tree) : spec.filter.text);
  if (spec.sort !== undefined) p.append('sort', spec.sort);
  if (spec.limit !== undefined) p.append('limit', spec.limit);
  if (spec.totalResults !== undefined) p.append('totalResults', spec.totalResults);
  const twice = (name: string, value: string) => (p.append(name, value), p.append(name, value));
  switch (spec.extra) {
    case 'repeatLimit':
      twice('limit', '5');
      break;
    case 'repeatFilter':
      twice('filter', 'clientName pr');
      break;
    case 'repeatSort':
      twice('sort', '-clientId');
      break;
    case 'nextAndPrev':
      p.append('next', 'x');
      p.append('prev', 'y');
      break;
    case 'emptyNext':
      p.append('next', '');
      break;
    case 'unknownParams':
      p.append('page', '2');
      p.append('fields', 'clientId');
      break;
  }
  const q = p.toString();
  return q ? `${prefix}?${q}` : prefix;
}

/** The model's reading of the query parameters: a 400, or the query. */
function listQueryOf(spec: ListSpec): ListQuery | 'bad' {
  if (spec.extra !== undefined && spec.extra !== 'unknownParams') return 'bad';
  if (spec.filter?.kind === 'invalid') return 'bad';
  const sortText = spec.sort === undefined ? '+createdAt' : spec.sort.length > 1 && spec.sort[0] === ' ' ? `+${spec.sort.slice(1)}` : spec.sort;
  const m = /^([+-])(\w+)$/.exec(sortText);
  if (!m || !(SORT_KEYS as readonly string[]).includes(m[2])) return 'bad';
  let limit = 20;
  if (spec.limit !== undefined) {
    if (!/^\d+$/.test(spec.limit)) return 'bad';
    limit = Number(spec.limit);
    if (limit < 1 || limit > 100) return 'bad';
  }
  if (spec.totalResults !== undefined && spec.totalResults !== 'true' && spec.totalResults !== 'false') return 'bad';
  return {
    filter: spec.filter?.tree,
    filterText: spec.filter ? renderFilter(spec.filter.tree) : undefined,
    key: m[2] as SortKey,
    descending: m[1] === '-',
    limit,
    totalResults: spec.totalResults === 'true',
  };
}

const describeList = (spec: ListSpec): string =>
  JSON.stringify({ ...spec, filter: spec.filter ? (spec.filter.kind === 'tree' ? renderFilter(spec.filter.tree) : `INVALID ${spec.filter.text.slice(0, 60)}`) : undefined });

/** Compares a 200 list answer with the model's page and keeps its links for later commands. */
function checkPage(model: Model, reply: Reply, predicted: PagePrediction, query: ListQuery, tenant: string, what: string, keep = true): void {
  const body = reply.body as { data: View[]; links: Record<string, { href: string }>; totalResults?: number };
  expect(body.data, `${what}: page contents`).toEqual(predicted.items.map((c) => c.view));
  expect(body.links.self.href.startsWith(BASE), `${what}: absolute self link`).toBe(true);
  expect(body.links.next !== undefined, `${what}: next link present`).toBe(predicted.hasNext);
  expect(body.links.prev !== undefined, `${what}: prev link present`).toBe(predicted.hasPrev);
  if (query.totalResults) expect(body.totalResults, `${what}: totalResults`).toBe(predicted.total);
  else expect('totalResults' in body, `${what}: no totalResults`).toBe(false);
  if (!keep) return;
  if (body.links.next) model.saveCursor({ href: body.links.next.href, dir: 'next', at: predicted.nextAnchor!, tenant, query });
  if (body.links.prev) model.saveCursor({ href: body.links.prev.href, dir: 'prev', at: predicted.prevAnchor!, tenant, query });
}

// ---------------------------------------------------------------------------------------------
// Invariants, after every command

async function checkInvariants(model: Model, real: Real): Promise<void> {
  // The stored state is the model: same clients, secrets as hash + hint, at most 5, no plaintext.
  const stateText = await real.control('/__mock/state');
  const state = JSON.parse(stateText) as { clients: StoredRecord[] };
  const live = model.clients.filter((c) => c.live);
  expect(state.clients.length, 'stored clients').toBe(live.length);
  for (const record of state.clients) {
    const known = live.find((c) => c.view.clientId === record.clientId && c.tenant === record.tenantId);
    expect(known, `stored client ${record.clientId} of ${record.tenantId} is in the model`).toBeDefined();
    expect(viewOfStored(record).view, `stored client ${record.clientId}`).toEqual(known!.view);
    expect(record.secrets.length, 'at most 5 secrets').toBeLessThanOrEqual(5);
    for (const secret of record.secrets) {
      expect(Object.keys(secret).sort()).toEqual(['createdAt', 'createdBy', 'hash', 'hint']);
      expect(secret.hash).toMatch(/^[0-9a-f]{64}$/);
      const plaintext = known!.plaintexts.get(secret.hint);
      if (plaintext) expect(secret.hash, 'hash is sha256 of the secret').toBe(createHash('sha256').update(plaintext).digest('hex'));
    }
  }
  for (const plaintext of model.plaintexts) expect(stateText.includes(plaintext), 'a secret is stored in plaintext').toBe(false);

  // Each tenant sees exactly its own clients.
  for (const [caller, tenant] of [['owner', DEFAULT_TENANT], ['otherTenant', OTHER_TENANT]] as const) {
    const reply = await send(real, 'GET', `${PREFIXES[0]}?limit=100`, caller);
    expect(reply.status).toBe(200);
    const query: ListQuery = { key: 'createdAt', descending: false, limit: 100, totalResults: false };
    checkPage(model, reply, predictPage(model.clients, tenant, query), query, tenant, `tenant ${tenant} sees its clients`, false);
  }
}

/** Pages forward to the end, then back to the start: each client exactly once, in order, both ways. */
async function pageThrough(model: Model, real: Real, caller: 'owner' | 'anyone' | 'otherTenant', spec: ListSpec, prefix: string): Promise<void> {
  const auth = authenticate(caller);
  if (!('who' in auth)) throw new Error('pageThrough needs an admin');
  const tenant = auth.who.tenantId;
  const query = listQueryOf(spec);
  if (query === 'bad') throw new Error('pageThrough needs a valid query');
  const everything = predictPage(model.clients, tenant, { ...query, limit: 1_000_000 }).items.map((c) => c.view.clientId);
  const forward: string[][] = [];
  let url: string | undefined = listPath(prefix, spec);
  let cursor: { dir: 'next' | 'prev'; at: { key: string; id: string } } | undefined;
  while (url) {
    const reply = await send(real, 'GET', url, caller);
    expectStatus(reply, 200, `PageForward ${url}`);
    const predicted = predictPage(model.clients, tenant, query, cursor);
    checkPage(model, reply, predicted, query, tenant, `page forward ${forward.length}`);
    forward.push((reply.body.data as View[]).map((c) => c.clientId));
    url = reply.body.links.next?.href;
    cursor = url ? { dir: 'next', at: predicted.nextAnchor! } : undefined;
    expect(forward.length, 'paging ends').toBeLessThan(200);
  }
  expect(forward.flat(), 'forward pages hold each client exactly once, in order').toEqual(everything);
  if (forward.length < 2) return;
  // Back from the last page: the same pages in reverse.
  let back = (await send(real, 'GET', listPath(prefix, spec), caller)).body.links as Record<string, { href: string }>;
  for (let i = 1; i < forward.length; i++) back = (await send(real, 'GET', back.next.href, caller)).body.links;
  const backward: string[][] = [];
  let prev: string | undefined = back.prev?.href;
  while (prev) {
    const reply = await send(real, 'GET', prev, caller);
    expectStatus(reply, 200, `PageBack ${prev}`);
    backward.unshift((reply.body.data as View[]).map((c) => c.clientId));
    prev = reply.body.links.prev?.href;
    expect(backward.length, 'paging back ends').toBeLessThan(200);
  }
  expect([...backward, forward[forward.length - 1]], 'prev links walk the same pages back').toEqual(forward);
}

// ---------------------------------------------------------------------------------------------
// Commands

abstract class Command implements fc.AsyncCommand<Model, Real> {
  check(_model: Readonly<Model>): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    await this.step(model, real);
    await checkInvariants(model, real);
  }
  protected abstract step(model: Model, real: Real): Promise<void>;
  abstract toString(): string;
}

const short = (s: string, n = 24) => JSON.stringify(s.length > n ? `${s.slice(0, n)}…(${s.length})` : s);

class CreateClient extends Command {
  constructor(
    readonly caller: Caller,
    readonly spec: CreateSpec,
    readonly prefix: Prefix,
  ) {
    super();
  }
  toString() {
    const { base, name, extras, defect, encoding } = this.spec;
    return `Create(${this.caller}, ${base}, ${short(name)}, extras=[${extras}], defect=${defect ?? '-'}, ${encoding}, ${this.prefix})`;
  }
  protected async step(model: Model, real: Real) {
    const auth = authenticate(this.caller);
    const { raw, contentType } = createRequest(this.spec);
    const reply = await send(real, 'POST', this.prefix, this.caller, { raw, contentType });
    expectStatus(reply, 'status' in auth ? auth.status : createStatus(this.spec), this.toString());
    if (reply.status !== 201 || !('who' in auth)) return;
    const body = reply.body as View & { clientSecret: string };
    expect(body.clientId).toMatch(/^[0-9a-f]{32}$/);
    expect(model.clients.some((c) => c.view.clientId === body.clientId && c.tenant === auth.who.tenantId), 'a new id').toBe(false);
    expect(body.createdAt).toMatch(TIMESTAMP);
    expect(body.createdAt > model.lastTimestamp, 'time moves forward').toBe(true);
    const secret = body.clientSecret === '' ? undefined : body.clientSecret;
    const { view, secretsAllowed } = createdView(this.spec, auth.who, { clientId: body.clientId, createdAt: body.createdAt, secret });
    if (secretsAllowed) expect(body.clientSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(body).toEqual({ ...view, clientSecret: secret ?? '', clientSecretHint: secret?.slice(-5) ?? '' });
    const client: ModelClient = { tenant: auth.who.tenantId, view, secretsAllowed, plaintexts: new Map(), live: true };
    if (secret) {
      client.plaintexts.set(secret.slice(-5), secret);
      model.plaintexts.push(secret);
    }
    model.clients.push(client);
    model.lastCreated = client;
    model.observe(body.createdAt);
  }
}

class GetClient extends Command {
  constructor(
    readonly caller: Caller,
    readonly target: Target,
    readonly prefix: Prefix,
  ) {
    super();
  }
  toString() {
    return `Get(${this.caller}, ${describeTarget(this.target)}, ${this.prefix})`;
  }
  protected async step(model: Model, real: Real) {
    const auth = authenticate(this.caller);
    const { id } = resolveTarget(model, this.target);
    const client = 'who' in auth ? model.visible(auth.who.tenantId, id) : undefined;
    const reply = await send(real, 'GET', `${this.prefix}/${id}`, this.caller);
    expectStatus(reply, 'status' in auth ? auth.status : client ? 200 : 404, this.toString());
    if (client) expect(reply.body).toEqual(client.view);
  }
}

class ListClients extends Command {
  constructor(
    readonly caller: Caller,
    readonly spec: ListSpec,
    readonly prefix: Prefix,
  ) {
    super();
  }
  toString() {
    return `List(${this.caller}, ${describeList(this.spec)}, ${this.prefix})`;
  }
  protected async step(model: Model, real: Real) {
    const auth = authenticate(this.caller);
    const query = listQueryOf(this.spec);
    const reply = await send(real, 'GET', listPath(this.prefix, this.spec), this.caller);
    expectStatus(reply, 'status' in auth ? auth.status : query === 'bad' ? 400 : 200, this.toString());
    if (reply.status !== 200 || query === 'bad' || !('who' in auth)) return;
    checkPage(model, reply, predictPage(model.clients, auth.who.tenantId, query), query, auth.who.tenantId, this.toString());
  }
}

type CursorChange = { kind: 'none' } | { kind: 'tamper' } | { kind: 'limit'; limit: number } | { kind: 'swapPrefix' };

class FollowCursor extends Command {
  constructor(
    readonly n: number,
    readonly caller: Caller,
    readonly change: CursorChange,
  ) {
    super();
  }
  override check(model: Readonly<Model>) {
    return model.cursors.length > 0;
  }
  toString() {
    return `Follow(cursor #${this.n}, ${this.caller}, ${JSON.stringify(this.change)})`;
  }
  protected async step(model: Model, real: Real) {
    const saved: SavedCursor = model.cursors[this.n % model.cursors.length];
    const url = new URL(saved.href);
    let query = saved.query;
    let tampered = false;
    switch (this.change.kind) {
      case 'tamper': {
        const token = url.searchParams.get(saved.dir)!;
        url.searchParams.set(saved.dir, (token[0] === 'e' ? 'f' : 'e') + token.slice(1));
        tampered = true;
        break;
      }
      case 'limit':
        url.searchParams.set('limit', String(this.change.limit));
        query = { ...query, limit: this.change.limit };
        break;
      case 'swapPrefix':
        // A cursor belongs to the API that issued it: the tenant API refuses a core cursor.
        url.pathname = V1;
        tampered = true;
        break;
    }
    const auth = authenticate(this.caller);
    const reply = await send(real, 'GET', url.href, this.caller);
    // On the tenant API a user who is not an admin may read: the refused cursor is what answers.
    const refusedByAuth = 'status' in auth && !(url.pathname === V1 && auth.status === 403);
    const status = refusedByAuth ? auth.status : tampered || !('who' in auth) || auth.who.tenantId !== saved.tenant ? 400 : 200;
    expectStatus(reply, status, `${this.toString()} ${url.href.slice(0, 200)}`);
    if (status !== 200 || !('who' in auth)) return;
    checkPage(model, reply, predictPage(model.clients, saved.tenant, query, { dir: saved.dir, at: saved.at }), query, saved.tenant, this.toString());
  }
}

class PageThrough extends Command {
  constructor(
    readonly caller: 'owner' | 'anyone' | 'otherTenant',
    readonly spec: ListSpec,
    readonly prefix: Prefix,
  ) {
    super();
  }
  toString() {
    return `PageThrough(${this.caller}, ${describeList(this.spec)}, ${this.prefix})`;
  }
  protected async step(model: Model, real: Real) {
    await pageThrough(model, real, this.caller, this.spec, this.prefix);
  }
}

class PatchClient extends Command {
  constructor(
    readonly caller: Caller,
    readonly target: Target,
    readonly spec: PatchSpec,
    readonly prefix: Prefix,
  ) {
    super();
  }
  toString() {
    const ops = this.spec.ops.map((o) => `${o.op} ${o.path}${o.value === ABSENT ? '' : ` ${typeof o.value === 'string' ? short(o.value, 16) : JSON.stringify(o.value)}`}${o.extraMember ? ' +from' : ''}`);
    return `Patch(${this.caller}, ${describeTarget(this.target)}, [${ops.join('; ')}], ${this.spec.encoding}, ${this.prefix})`;
  }
  protected async step(model: Model, real: Real) {
    const auth = authenticate(this.caller);
    const { id } = resolveTarget(model, this.target);
    const client = 'who' in auth ? model.visible(auth.who.tenantId, id) : undefined;
    const bodyStatus = patchBodyStatus(this.spec);
    const patched = client && bodyStatus === undefined ? applyPatchToView(client.view, this.spec.ops) : undefined;
    const expected = 'status' in auth ? auth.status : (bodyStatus ?? (!client ? 404 : patched ? 204 : 400));
    const { raw, contentType } = patchRequest(this.spec);
    const reply = await send(real, 'PATCH', `${this.prefix}/${id}`, this.caller, { raw, contentType });
    expectStatus(reply, expected, this.toString());
    if (reply.status !== 204 || !client || !patched) return;
    if (this.spec.ops.length === 0) return; // nothing changes, not even updatedAt
    const read = await send(real, 'GET', `${this.prefix}/${id}`, this.caller);
    const updatedAt = (read.body as View).updatedAt;
    expect(updatedAt > client.view.updatedAt && updatedAt > model.lastTimestamp, 'updatedAt moves forward').toBe(true);
    client.view = { ...patched, updatedAt };
    expect(read.body).toEqual(client.view);
    model.observe(updatedAt);
  }
}

type Confirm = 'right' | 'wrong' | 'missing' | 'upperCase';

class DeleteClient extends Command {
  constructor(
    readonly caller: Caller,
    readonly target: Target,
    readonly confirm: Confirm,
    readonly prefix: Prefix,
  ) {
    super();
  }
  toString() {
    return `Delete(${this.caller}, ${describeTarget(this.target)}, confirm=${this.confirm}, ${this.prefix})`;
  }
  protected async step(model: Model, real: Real) {
    const auth = authenticate(this.caller);
    const { id } = resolveTarget(model, this.target);
    const confirm = { right: id, wrong: 'f'.repeat(32), missing: undefined, upperCase: id.toUpperCase() }[this.confirm];
    const client = 'who' in auth ? model.visible(auth.who.tenantId, id) : undefined;
    const expected = 'status' in auth ? auth.status : confirm === undefined || confirm !== id ? 400 : client ? 204 : 404;
    const reply = await send(real, 'DELETE', `${this.prefix}/${id}`, this.caller, { headers: confirm === undefined ? {} : { 'qlik-confirm-delete': confirm } });
    expectStatus(reply, expected, this.toString());
    if (reply.status === 204 && client) client.live = false;
  }
}

class CreateSecret extends Command {
  constructor(
    readonly caller: Caller,
    readonly target: Target,
    readonly junk: 'none' | 'textPlain' | 'jsonObject',
    readonly prefix: Prefix,
    /** Calls in a row, each predicted: churn up to and beyond 5 secrets. */
    readonly times = 1,
  ) {
    super();
  }
  toString() {
    return `CreateSecret(${this.caller}, ${describeTarget(this.target)}, body=${this.junk}, ${this.prefix}${this.times > 1 ? `, ${this.times} times` : ''})`;
  }
  protected async step(model: Model, real: Real) {
    for (let i = 0; i < this.times; i++) await this.once(model, real);
  }
  private async once(model: Model, real: Real) {
    const auth = authenticate(this.caller);
    const { id } = resolveTarget(model, this.target);
    const client = 'who' in auth ? model.visible(auth.who.tenantId, id) : undefined;
    const expected = 'status' in auth ? auth.status : !client ? 404 : !client.secretsAllowed ? 400 : (client.view.clientSecrets?.length ?? 0) >= 5 ? 409 : 201;
    const body = { none: {}, textPlain: { raw: 'please', contentType: 'text/plain' }, jsonObject: { raw: '{"ignored":true}', contentType: 'application/json' } }[this.junk];
    const reply = await send(real, 'POST', `${this.prefix}/${id}/client-secrets`, this.caller, body);
    expectStatus(reply, expected, this.toString());
    if (reply.status !== 201 || !client || !('who' in auth)) return;
    const answer = reply.body as { clientSecret: string; createdAt: string };
    expect(answer.clientSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(answer.createdAt).toMatch(TIMESTAMP);
    expect(answer.createdAt > model.lastTimestamp, 'time moves forward').toBe(true);
    const hint = answer.clientSecret.slice(-5);
    expect(reply.body).toEqual({ hint, clientId: id, clientSecret: answer.clientSecret, createdAt: answer.createdAt, createdBy: auth.who.userId });
    expect(client.view.clientSecrets!.some((s) => s.hint === hint), 'hints are unique within a client').toBe(false);
    client.view = { ...client.view, clientSecrets: [...client.view.clientSecrets!, { hint, createdAt: answer.createdAt, createdBy: auth.who.userId }] };
    client.plaintexts.set(hint, answer.clientSecret);
    model.plaintexts.push(answer.clientSecret);
    model.observe(answer.createdAt);
  }
}

type HintChoice = { kind: 'existing'; n: number } | { kind: 'unknown' } | { kind: 'odd'; text: string };

class DeleteSecret extends Command {
  constructor(
    readonly caller: Caller,
    readonly target: Target,
    readonly hint: HintChoice,
    readonly prefix: Prefix,
  ) {
    super();
  }
  toString() {
    return `DeleteSecret(${this.caller}, ${describeTarget(this.target)}, ${JSON.stringify(this.hint)}, ${this.prefix})`;
  }
  protected async step(model: Model, real: Real) {
    const auth = authenticate(this.caller);
    const { id, client: aimed } = resolveTarget(model, this.target);
    const hints = aimed?.view.clientSecrets?.map((s) => s.hint) ?? [];
    const hint = this.hint.kind === 'existing' && hints.length > 0 ? hints[this.hint.n % hints.length] : this.hint.kind === 'odd' ? this.hint.text : 'zzzz';
    const client = 'who' in auth ? model.visible(auth.who.tenantId, id) : undefined;
    const has = client?.view.clientSecrets?.some((s) => s.hint === hint) ?? false;
    // An empty hint leaves a path no operation has: 404 before authentication.
    const expected = hint === '' ? 404 : 'status' in auth ? auth.status : client && has ? 204 : 404;
    const reply = await send(real, 'DELETE', `${this.prefix}/${id}/client-secrets/${encodeURIComponent(hint)}`, this.caller);
    expectStatus(reply, expected, this.toString());
    if (reply.status === 204 && client) client.view = { ...client.view, clientSecrets: client.view.clientSecrets!.filter((s) => s.hint !== hint) };
  }
}

const WRONG_METHODS = [
  { method: 'PUT', path: '', allow: ['GET', 'HEAD', 'POST'] },
  { method: 'DELETE', path: '', allow: ['GET', 'HEAD', 'POST'] },
  { method: 'POST', path: '/ID', allow: ['DELETE', 'GET', 'HEAD', 'PATCH'] },
  { method: 'PUT', path: '/ID', allow: ['DELETE', 'GET', 'HEAD', 'PATCH'] },
  { method: 'GET', path: '/ID/client-secrets', allow: ['POST'] },
  { method: 'PATCH', path: '/ID/client-secrets/abcd', allow: ['DELETE'] },
] as const;

class WrongMethod extends Command {
  constructor(
    readonly caller: Caller,
    readonly which: number,
    readonly target: Target,
  ) {
    super();
  }
  toString() {
    const w = WRONG_METHODS[this.which];
    return `WrongMethod(${this.caller}, ${w.method} ${w.path}, ${describeTarget(this.target)})`;
  }
  protected async step(model: Model, real: Real) {
    const w = WRONG_METHODS[this.which];
    const { id } = resolveTarget(model, this.target);
    const reply = await send(real, w.method, `${PREFIXES[0]}${w.path.replace('ID', id)}`, this.caller);
    expectStatus(reply, 405, this.toString());
    expect(reply.headers.allow.split(/,\s*/).sort()).toEqual([...w.allow]);
  }
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
const caller: fc.Arbitrary<Caller> = fc.oneof(
  w(12, fc.constant<Caller>('owner')),
  w(2, fc.constant<Caller>('anyone')),
  w(1, fc.constant<Caller>('lowercaseScheme')),
  w(3, fc.constant<Caller>('otherTenant')),
  w(1, fc.constant<Caller>('nonAdmin')),
  w(1, fc.constantFrom<Caller>('noHeader', 'basic', 'emptyBearer')),
);
const adminCaller = fc.constantFrom<'owner' | 'anyone' | 'otherTenant'>('owner', 'owner', 'anyone', 'otherTenant');
const prefix = fc.constantFrom<Prefix>(...PREFIXES);
const target: fc.Arbitrary<Target> = fc.oneof(
  w(4, fc.constant<Target>({ kind: 'last' })),
  w(5, fc.nat(200).map((n): Target => ({ kind: 'nth', n }))),
  w(1, fc.constant<Target>({ kind: 'unknown' })),
);

const createSpec: fc.Arbitrary<CreateSpec> = fc.record({
  base: fc.constantFrom(...BASES),
  name: fc.constantFrom(...NAMES),
  extras: fc.subarray([...EXTRAS]),
  defect: fc.oneof(w(7, fc.constant(undefined)), w(3, fc.constantFrom(...DEFECTS))),
  encoding: fc.oneof(
    w(14, fc.constant<CreateEncoding>('json')),
    w(2, fc.constant<CreateEncoding>('jsonCharset')),
    w(3, fc.constantFrom<CreateEncoding>('textPlain', 'noContentType', 'malformed', 'topLevelArray', 'topLevelString', 'empty')),
  ),
});

const casing = (text: string) => fc.constantFrom(text, text.toLowerCase(), text.toUpperCase());
const FILTER_VALUES = ['a', 'al', 'alpha', 'ALPHA', 'beta', 'app', 'rocket', '🚀', 'ש', 'م', 'é', 'e\u0301', 'İ', 'i', 'straße', 'STRASSE', '', ' ', 'web', 'spa', 'native', 'anonymous-embed', 'nat', '-embed', '0', '2', '20ba', 'f', 'z', '"q"', '\\', '\t', '\u0000', 'x'.repeat(30)];
const filterLeaf: fc.Arbitrary<FilterTree> = fc.oneof(
  w(
    4,
    fc
      .record({ attr: fc.constantFrom(...FILTER_ATTRIBUTES), op: fc.constantFrom(...COMPARE_OPS), value: fc.constantFrom(...FILTER_VALUES), c1: fc.nat(2), c2: fc.nat(2) })
      .map(({ attr, op, value, c1, c2 }): FilterTree => ({ t: 'cmp', attr, attrText: [attr, attr.toLowerCase(), attr.toUpperCase()][c1], op, opText: [op, op.toUpperCase(), op[0].toUpperCase() + op[1]][c2], value })),
  ),
  w(
    1,
    fc.record({ attr: fc.constantFrom(...FILTER_ATTRIBUTES), c: fc.nat(1) }).map(({ attr, c }): FilterTree => ({ t: 'pr', attr, attrText: c ? attr.toUpperCase() : attr, opText: c ? 'PR' : 'pr' })),
  ),
);
const filterTree: fc.Arbitrary<FilterTree> = fc.letrec<{ tree: FilterTree }>((tie) => ({
  tree: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'filter' },
    filterLeaf,
    filterLeaf,
    fc.record({ t: fc.constantFrom<'and' | 'or'>('and', 'or'), up: fc.boolean(), left: tie('tree'), right: tie('tree') }).map(({ t, up, left, right }): FilterTree => ({ t, kwText: up ? t.toUpperCase() : t, left, right })),
    fc.record({ up: fc.boolean(), child: tie('tree') }).map(({ up, child }): FilterTree => ({ t: 'not', kwText: up ? 'NOT' : 'not', child })),
  ),
})).tree;

const validSort = fc.tuple(fc.constantFrom('+', '-', ' '), fc.constantFrom(...SORT_KEYS)).map(([d, k]) => d + k);
const listSpec: fc.Arbitrary<ListSpec> = fc.record({
  filter: fc.oneof(
    w(4, fc.constant(undefined)),
    w(4, filterTree.map((tree): FilterParam => ({ kind: 'tree', tree }))),
    w(1, fc.constantFrom(...INVALID_FILTERS).map((text): FilterParam => ({ kind: 'invalid', text }))),
  ),
  sort: fc.oneof(w(3, fc.constant(undefined)), w(6, validSort), w(1, fc.constantFrom('clientName', '+clientname', '+name', '', '++clientId', '-secret'))),
  limit: fc.oneof(
    w(3, fc.constant(undefined)),
    w(6, fc.integer({ min: 1, max: 12 }).map(String)),
    w(1, fc.constant('100')),
    w(1, fc.constantFrom('0', '101', '-3', '2.5', 'abc', '', '1000000', '99999999999999999999999')),
  ),
  totalResults: fc.oneof(w(4, fc.constant(undefined)), w(3, fc.constantFrom('true', 'false')), w(1, fc.constantFrom('yes', 'TRUE', '1'))),
  extra: fc.oneof(w(14, fc.constant(undefined)), w(1, fc.constantFrom(...EXTRA_PARAMS))),
});
const validListSpec: fc.Arbitrary<ListSpec> = fc.record({
  filter: fc.option(filterTree.map((tree): FilterParam => ({ kind: 'tree', tree })), { nil: undefined, freq: 2 }),
  sort: fc.option(validSort, { nil: undefined, freq: 4 }),
  limit: fc.integer({ min: 3, max: 9 }).map(String),
  totalResults: fc.option(fc.constantFrom('true', 'false'), { nil: undefined }),
});

/** Mostly operations a consumer would send (a value that fits the path), sometimes anything. */
const sensiblePatchOp: fc.Arbitrary<PatchOpSpec> = fc.oneof(
  fc.record({ op: fc.constantFrom('add', 'replace'), path: fc.constant('/clientName'), value: fc.constantFrom<unknown>(...NAMES), extraMember: fc.constant(false) }),
  fc.record({ op: fc.constantFrom('add', 'replace'), path: fc.constant('/description'), value: fc.constantFrom<unknown>('', 'Plain words.', 'שלום 🚀 e\u0301', 'd'.repeat(4096), '😀'.repeat(4096)), extraMember: fc.constant(false) }),
  fc.record({ op: fc.constantFrom('add', 'replace'), path: fc.constant('/allowedScopes'), value: fc.constantFrom<unknown>([], ['user_default'], ['user_default', 'admin_classic'], ['s'.repeat(256)]), extraMember: fc.constant(false) }),
  fc.record({ op: fc.constant('remove'), path: fc.constantFrom('/description', '/allowedScopes'), value: fc.constant<unknown>(ABSENT), extraMember: fc.boolean() }),
);
const anyPatchOp: fc.Arbitrary<PatchOpSpec> = fc.record({
  op: fc.oneof(w(10, fc.constantFrom('add', 'replace', 'remove')), w(1, fc.constantFrom('move', 'copy', 'test', 'REPLACE'))),
  path: fc.oneof(w(10, fc.constantFrom('/clientName', '/description', '/allowedScopes')), w(1, fc.constantFrom('/clientId', '/appType', 'clientName', '/clientSecrets', '/__proto__'))),
  value: fc.constantFrom(...PATCH_VALUES),
  extraMember: fc.boolean(),
});
const patchOp: fc.Arbitrary<PatchOpSpec> = fc.oneof(w(3, sensiblePatchOp), w(1, anyPatchOp));
const patchSpec: fc.Arbitrary<PatchSpec> = fc.record({
  ops: fc.array(patchOp, { maxLength: 3 }),
  encoding: fc.oneof(w(12, fc.constant('json' as const)), w(2, fc.constant('jsonPatchType' as const)), w(2, fc.constantFrom('object' as const, 'textPlain' as const, 'malformed' as const, 'empty' as const))),
});

const hintChoice: fc.Arbitrary<HintChoice> = fc.oneof(
  w(8, fc.nat(10).map((n): HintChoice => ({ kind: 'existing', n }))),
  w(1, fc.constant<HintChoice>({ kind: 'unknown' })),
  w(1, fc.constantFrom('../x', '%', 'a/b', '__proto__', 'constructor', '').map((text): HintChoice => ({ kind: 'odd', text }))),
);
const cursorChange: fc.Arbitrary<CursorChange> = fc.oneof(
  w(6, fc.constant<CursorChange>({ kind: 'none' })),
  w(1, fc.constant<CursorChange>({ kind: 'tamper' })),
  w(2, fc.integer({ min: 1, max: 10 }).map((limit): CursorChange => ({ kind: 'limit', limit }))),
  w(1, fc.constant<CursorChange>({ kind: 'swapPrefix' })),
);

const commands = [
  fc.tuple(caller, createSpec, prefix).map(([c, s, p]) => new CreateClient(c, s, p)),
  fc.tuple(caller, createSpec, prefix).map(([c, s, p]) => new CreateClient(c, { ...s, base: 'web', defect: undefined, encoding: 'json' }, p)),
  fc.tuple(caller, target, prefix).map(([c, t, p]) => new GetClient(c, t, p)),
  fc.tuple(caller, listSpec, prefix).map(([c, s, p]) => new ListClients(c, s, p)),
  fc.tuple(adminCaller, validListSpec, prefix).map(([c, s, p]) => new ListClients(c, s, p)),
  fc.tuple(fc.nat(20), caller, cursorChange).map(([n, c, ch]) => new FollowCursor(n, c, ch)),
  fc.tuple(fc.nat(20), caller, cursorChange).map(([n, c, ch]) => new FollowCursor(n, c, ch)),
  fc.tuple(fc.nat(20), adminCaller, cursorChange).map(([n, c, ch]) => new FollowCursor(n, c, ch)),
  fc.tuple(adminCaller, validListSpec, prefix).map(([c, s, p]) => new PageThrough(c, s, p)),
  fc.tuple(caller, target, patchSpec, prefix).map(([c, t, s, p]) => new PatchClient(c, t, s, p)),
  fc.tuple(caller, target, patchSpec, prefix).map(([c, t, s, p]) => new PatchClient(c, t, s, p)),
  fc.tuple(caller, target, fc.constantFrom<Confirm>('right', 'right', 'right', 'wrong', 'missing', 'upperCase'), prefix).map(([c, t, k, p]) => new DeleteClient(c, t, k, p)),
  fc.tuple(caller, target, fc.constantFrom('none' as const, 'none' as const, 'textPlain' as const, 'jsonObject' as const), prefix).map(([c, t, j, p]) => new CreateSecret(c, t, j, p)),
  fc.tuple(caller, target, fc.constantFrom('none' as const), prefix).map(([c, t, j, p]) => new CreateSecret(c, t, j, p)),
  // Churn on one client, up to and beyond 5 secrets.
  fc.tuple(prefix, fc.integer({ min: 1, max: 7 })).map(([p, n]) => new CreateSecret('owner', { kind: 'last' }, 'none', p, n)),
  fc.tuple(adminCaller, target, fc.constantFrom<HintChoice>({ kind: 'existing', n: 0 }), prefix).map(([c, t, h, p]) => new DeleteSecret(c, t, h, p)),
  fc.tuple(caller, target, hintChoice, prefix).map(([c, t, h, p]) => new DeleteSecret(c, t, h, p)),
  fc.tuple(caller, fc.nat(WRONG_METHODS.length - 1), target).map(([c, i, t]) => new WrongMethod(c, i, t)),
];

// ---------------------------------------------------------------------------------------------

describe('model-based fuzzing of the HTTP API', () => {
  it(`agrees with the reference model after every step (seed ${SEED}, ${RUNS} runs of up to ${MAX_COMMANDS} commands)`, async () => {
    const started = performance.now();
    let steps = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.nat(),
        fc.commands(commands, { maxCommands: MAX_COMMANDS, size: 'max', replayPath: REPLAY }),
        async (withFixtures, entropySeed, cmds) => {
          const logs: string[] = [];
          const app = createApp({
            data: withFixtures ? undefined : { version: 1, clients: [] },
            entropy: seededEntropy(entropySeed),
            cursorSecret: `fuzz-${entropySeed}`,
            logLevel: 'debug',
            logSink: (line) => logs.push(line),
          });
          const api = await apiClient((url, init) => app.request(url, init), BASE);
          const model = Model.start(withFixtures);
          const control = async (path: string) => (await app.request(`${BASE}${path}`)).text();
          const real: Real = { api, control, logs };
          await fc.asyncModelRun(() => ({ model, real }), cmds);
          steps += [...cmds].length;

          // At the end of every run: page through a stable set, both tenants, several orders.
          for (const [who, sort] of [['owner', '-updatedAt'], ['otherTenant', '+clientName'], ['anyone', '-clientId']] as const) {
            await pageThrough(model, real, who, { sort, limit: '4' }, PREFIXES[0]);
          }
          // Neither the log nor the journal holds a bearer token or a secret.
          const journal = await real.control('/__mock/requests');
          expect(JSON.parse(journal).requests.length, 'the journal saw the requests').toBeGreaterThan(0);
          for (const secretText of [...TOKENS, ...model.plaintexts]) {
            expect(journal.includes(secretText), `journal holds ${secretText.slice(0, 12)}…`).toBe(false);
            expect(logs.some((line) => line.includes(secretText)), `log holds ${secretText.slice(0, 12)}…`).toBe(false);
          }
          expect(logs.length, 'the request log saw the requests').toBeGreaterThan(0);
        },
      ),
      { seed: SEED, numRuns: RUNS, path: PATH },
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(`model fuzz: ${RUNS} runs, ${steps} commands, ${seconds.toFixed(1)} s (seed ${SEED})`);
    if (process.env.FUZZ_STATS) console.log([...outcomes].sort().map(([k, n]) => `${k.padEnd(24)} ${n}`).join('\n'));
    // Every assertion above can fail; this one keeps the run honest about having run at all.
    expect(steps).toBeGreaterThan(0);
  }, 600_000);
});
