/**
 * Model-based test of sessions: commands interleaved over several sessions (creates, deletes,
 * fault rules, resets, journal reads, provider states, cursors, tokens, rate limits), each checked
 * against a model in which every session is its own world. Whatever the order, no session ever
 * sees another's data, rules, journal, limits, cursors or tokens.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/index.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const SEED = Number(process.env.FUZZ_SEED ?? 4711);
const API = 'http://mock.test/api/core/oauth-clients';
const SESSIONS = ['', 's1', 's2', 'worker.3'] as const;
type Session = (typeof SESSIONS)[number];

const FIXTURES = JSON.parse(readFileSync(new URL('../../fixtures/clients.json', import.meta.url), 'utf8')) as { clients: { tenantId: string; clientId: string }[] };
const DEFAULT_TENANT = 'xqFQ0k66vSR8f9G7J-vYtHZQkiYrCpct';
const START_IDS = FIXTURES.clients.filter((c) => c.tenantId === DEFAULT_TENANT).map((c) => c.clientId);

/** One session as the model sees it. */
interface World {
  ids: Set<string>;
  /** Remaining 503s of the fault rule on readOAuthClientQCC, if one is armed. */
  faultTimes: number;
  /** API requests since the last reset. */
  journal: number;
  /** A token issued in this session (forgotten by its reset). */
  token?: string;
  /** Rate limited (the `rate-limited` scenario: 10 tier-1 calls a minute), and reads used so far. */
  limited: boolean;
  reads: number;
}

type Model = Map<Session, World>;
const fresh = (): World => ({ ids: new Set(START_IDS), faultTimes: 0, journal: 0, limited: false, reads: 0 });

interface Real {
  request(session: Session, method: string, url: string, init?: { body?: unknown; token?: string | null; headers?: Record<string, string> }): Promise<{ status: number; body: any }>;
  /** Every client id any session ever created, to aim commands across sessions. */
  created: string[];
}

const world = (model: Model, session: Session): World => {
  let w = model.get(session);
  if (!w) model.set(session, (w = fresh()));
  return w;
};

/** A tier-1 read in a rate-limited session uses up one of its ten; the eleventh is a 429. */
function readAllowed(w: World): boolean {
  if (!w.limited) return true;
  w.reads++;
  return w.reads <= 10;
}

abstract class Step implements fc.AsyncCommand<Model, Real> {
  constructor(readonly session: Session) {}
  check = () => true;
  abstract run(model: Model, real: Real): Promise<void>;
  abstract toString(): string;
}

class Create extends Step {
  async run(model: Model, real: Real) {
    const w = world(model, this.session);
    const reply = await real.request(this.session, 'POST', API, { body: { appType: 'web', clientName: `c${real.created.length}`, allowedGrantTypes: ['client_credentials'] } });
    w.journal++;
    expect(reply.status, this.toString()).toBe(201);
    w.ids.add(reply.body.clientId);
    real.created.push(reply.body.clientId);
  }
  toString = () => `Create(${this.session || 'default'})`;
}

class Get extends Step {
  constructor(session: Session, readonly pick: number) {
    super(session);
  }
  async run(model: Model, real: Real) {
    const w = world(model, this.session);
    const pool = [...START_IDS, ...real.created];
    const id = pool[this.pick % pool.length];
    const reply = await real.request(this.session, 'GET', `${API}/${id}`);
    w.journal++;
    // Faults come first, then the rate limit, then the lookup.
    const expected = w.faultTimes > 0 ? (w.faultTimes--, 503) : !readAllowed(w) ? 429 : w.ids.has(id) ? 200 : 404;
    expect(reply.status, `${this.toString()} ${id}`).toBe(expected);
  }
  toString = () => `Get(${this.session || 'default'}, #${this.pick})`;
}

class List extends Step {
  async run(model: Model, real: Real) {
    const w = world(model, this.session);
    const reply = await real.request(this.session, 'GET', `${API}?limit=100`);
    w.journal++;
    if (!readAllowed(w)) return void expect(reply.status).toBe(429);
    expect(reply.status).toBe(200);
    expect(new Set(reply.body.data.map((c: any) => c.clientId)), this.toString()).toEqual(w.ids);
  }
  toString = () => `List(${this.session || 'default'})`;
}

class Delete extends Step {
  constructor(session: Session, readonly pick: number) {
    super(session);
  }
  async run(model: Model, real: Real) {
    const w = world(model, this.session);
    const pool = [...START_IDS, ...real.created];
    const id = pool[this.pick % pool.length];
    const reply = await real.request(this.session, 'DELETE', `${API}/${id}`, { headers: { 'qlik-confirm-delete': id } });
    w.journal++;
    expect(reply.status, `${this.toString()} ${id}`).toBe(w.ids.delete(id) ? 204 : 404);
  }
  toString = () => `Delete(${this.session || 'default'}, #${this.pick})`;
}

class ArmFault extends Step {
  constructor(session: Session, readonly times: number) {
    super(session);
  }
  async run(model: Model, real: Real) {
    const w = world(model, this.session);
    await real.request(this.session, 'DELETE', 'http://mock.test/__mock/faults');
    const reply = await real.request(this.session, 'POST', 'http://mock.test/__mock/faults', { body: { status: 503, operationId: 'readOAuthClientQCC', times: this.times } });
    expect(reply.status).toBe(201);
    w.faultTimes = this.times;
  }
  toString = () => `ArmFault(${this.session || 'default'}, ${this.times})`;
}

class Reset extends Step {
  async run(model: Model, real: Real) {
    expect((await real.request(this.session, 'POST', 'http://mock.test/__mock/reset')).status).toBe(200);
    model.set(this.session, fresh());
  }
  toString = () => `Reset(${this.session || 'default'})`;
}

class ReadJournal extends Step {
  async run(model: Model, real: Real) {
    const w = world(model, this.session);
    const reply = await real.request(this.session, 'GET', 'http://mock.test/__mock/requests');
    expect(reply.body.requests.length, this.toString()).toBe(w.journal);
  }
  toString = () => `ReadJournal(${this.session || 'default'})`;
}

class NoClients extends Step {
  async run(model: Model, real: Real) {
    const reply = await real.request(this.session, 'POST', 'http://mock.test/__mock/provider-states', { body: { state: 'no clients', params: {}, action: 'setup' } });
    expect(reply.status).toBe(200);
    world(model, this.session).ids.clear();
  }
  toString = () => `ProviderState(${this.session || 'default'}, no clients)`;
}

class RateLimit extends Step {
  async run(model: Model, real: Real) {
    const w = world(model, this.session);
    expect((await real.request(this.session, 'POST', 'http://mock.test/__mock/scenarios/rate-limited')).status).toBe(200);
    // The scenario keeps the data and replaces the fault rules.
    Object.assign(w, { limited: true, reads: 0, faultTimes: 0 });
  }
  toString = () => `RateLimit(${this.session || 'default'})`;
}

class CrossCursor extends Step {
  constructor(session: Session, readonly to: Session) {
    super(session);
  }
  async run(model: Model, real: Real) {
    const from = world(model, this.session);
    const to = world(model, this.to);
    const page = await real.request(this.session, 'GET', `${API}?limit=1`);
    from.journal++;
    if (!readAllowed(from) || !page.body.links?.next) return;
    const reply = await real.request(this.to, 'GET', page.body.links.next.href);
    to.journal++;
    if (!readAllowed(to)) return void expect(reply.status).toBe(429);
    expect(reply.status, this.toString()).toBe(this.to === this.session ? 200 : 400);
  }
  toString = () => `CrossCursor(${this.session || 'default'} → ${this.to || 'default'})`;
}

class CrossToken extends Step {
  constructor(session: Session, readonly to: Session) {
    super(session);
  }
  async run(model: Model, real: Real) {
    const from = world(model, this.session);
    const to = world(model, this.to);
    if (!from.token) {
      const created = await real.request(this.session, 'POST', API, { body: { appType: 'web', clientName: 't', allowedGrantTypes: ['client_credentials'] } });
      from.journal++;
      from.ids.add(created.body.clientId);
      real.created.push(created.body.clientId);
      const token = await real.request(this.session, 'POST', 'http://mock.test/oauth/token', {
        token: null,
        body: { grant_type: 'client_credentials', client_id: created.body.clientId, client_secret: created.body.clientSecret },
      });
      from.journal++;
      expect(token.status).toBe(200);
      from.token = token.body.access_token;
    }
    const reply = await real.request(this.to, 'GET', `${API}?limit=1`, { token: from.token });
    to.journal++;
    const allowed = readAllowed(to);
    // A token is refused in another session before its rate limit counts it; in its own it reads.
    if (this.to !== this.session) expect(reply.status, this.toString()).toBe(401);
    else expect(reply.status, this.toString()).toBe(allowed ? 200 : 429);
  }
  toString = () => `CrossToken(${this.session || 'default'} → ${this.to || 'default'})`;
}

const session = fc.constantFrom(...SESSIONS);
const commands = [
  session.map((s) => new Create(s)),
  fc.tuple(session, fc.nat()).map(([s, n]) => new Get(s, n)),
  session.map((s) => new List(s)),
  fc.tuple(session, fc.nat()).map(([s, n]) => new Delete(s, n)),
  fc.tuple(session, fc.integer({ min: 1, max: 3 })).map(([s, n]) => new ArmFault(s, n)),
  session.map((s) => new Reset(s)),
  session.map((s) => new ReadJournal(s)),
  session.map((s) => new NoClients(s)),
  session.map((s) => new RateLimit(s)),
  fc.tuple(session, session).map(([a, b]) => new CrossCursor(a, b)),
  fc.tuple(session, session).map(([a, b]) => new CrossToken(a, b)),
];

describe('sessions, model-based', () => {
  it(`no session sees another's data, rules, journal, limits, cursors or tokens (seed ${SEED}, ${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40 }), async (cmds) => {
        // The clock stands still: a rate-limit window never closes during a run.
        const app = createApp({ entropy: { hex: (n) => Array.from({ length: n * 2 }, () => Math.floor(Math.random() * 16).toString(16)).join(''), now: () => Date.UTC(2025, 0, 1) } });
        const real: Real = {
          created: [],
          async request(s, method, url, init = {}) {
            const headers: Record<string, string> = { ...init.headers };
            if (s !== '') headers['x-mock-session'] = s;
            const token = init.token === undefined ? 'owner-token' : init.token;
            if (token !== null) headers.authorization = `Bearer ${token}`;
            if (init.body !== undefined) headers['content-type'] = 'application/json';
            const response = await app.request(url, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
            const text = await response.text();
            return { status: response.status, body: text ? JSON.parse(text) : undefined };
          },
        };
        await fc.asyncModelRun(() => ({ model: new Map(), real }), cmds);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
