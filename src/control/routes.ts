import { Hono, type Context } from 'hono';
import { OperationResolver, TOKEN_OPERATION } from '../contract/operations.js';
import { controlView, type ControlClientView } from '../domain/views.js';
import { FaultRuleConflict, FaultRuleError } from '../faults/engine.js';
import { parseJsonText, readTextBody } from '../http/body.js';
import { incomingOf, type AppEnv } from '../http/env.js';
import { ApiError } from '../http/errors.js';
import type { JournalFilter } from '../journal/journal.js';
import { parseListQuery } from '../operations/list-query.js';
import { FILTER_ATTRIBUTES } from '../query/filter.js';
import { SORT_KEYS } from '../query/sort.js';
import type { MockRuntime } from '../runtime/mock-runtime.js';
import { parseSnapshot } from '../store/snapshot.js';
import { changeFeed } from './events.js';
import { controlOpenApi } from './openapi.js';
import { serveUi } from './ui.js';
import { parseProviderStateBody, ProviderStateError, runProviderStates } from './provider-states.js';

/** Control bodies may be large (a whole state export), but not endless. */
const MAX_CONTROL_BODY_BYTES = 64 * 1024 * 1024;

const JOURNAL_FILTERS = new Set(['operationId', 'method', 'status', 'limit']);
const CLIENT_LIST_PARAMETERS = ['filter', 'limit', 'next', 'prev', 'sort', 'totalResults'];
/** The control API sees every tenant: every attribute filters, every key sorts. */
const EVERY_ATTRIBUTE = { filterAttributes: FILTER_ATTRIBUTES, sortKeys: SORT_KEYS };

/**
 * The control API under /__mock: no bearer token (unless a control token is configured),
 * never faulted, rate limited or journaled (it is routed before the API pipeline).
 * Errors, unknown routes included, use the API's error shape.
 */
export function controlRoutes(runtime: MockRuntime): Hono<AppEnv> {
  const control = new Hono<AppEnv>();
  /** Each route acts on the request's session (x-mock-session), the default one without it. */
  const world = (c: Context<AppEnv>) => c.get('world');
  const flushed = async <T>(c: Context<AppEnv>, value: T): Promise<T> => {
    await world(c).store.flush();
    return value;
  };

  const contractType = { 'content-type': 'application/json; charset=utf-8' };
  control.get('/openapi.json', (c) => c.body(runtime.contracts.core.raw, 200, contractType));
  control.get('/openapi.v1.json', (c) => c.body(runtime.contracts.v1.raw, 200, contractType));
  control.get('/control.openapi.json', (c) => c.json(controlOpenApi));
  control.get('/ui', (c) => serveUi(c, 'index.html'));
  control.get('/ui/:file', (c) => serveUi(c, c.req.param('file')));
  control.get('/operations', (c) =>
    c.json({
      operations: [...runtime.contracts.core.operations, ...runtime.contracts.v1.operations, TOKEN_OPERATION].map(({ operationId, method, path, contract }) => ({
        operationId,
        method,
        path,
        api: contract,
      })),
    }),
  );
  control.get('/health', (c) => c.json({ status: 'ok', clients: world(c).store.count() }));

  control.post('/reset', async (c) => {
    world(c).reset();
    return c.json(await flushed(c, { status: 'reset', clients: world(c).store.count(), faults: world(c).faults.list().length }));
  });

  control.get('/state', (c) => c.json(world(c).store.snapshot()));
  control.put('/state', async (c) => {
    const body = await readJson(c);
    let snapshot;
    try {
      snapshot = parseSnapshot(body);
    } catch (error) {
      throw new ApiError(400, (error as Error).message);
    }
    world(c).replaceData(snapshot);
    return c.json(await flushed(c, { clients: world(c).store.count() }));
  });

  control.get('/clients', (c) => {
    const params = new URL(c.req.url).searchParams;
    for (const name of params.keys()) {
      if (!CLIENT_LIST_PARAMETERS.includes(name)) throw new ApiError(400, `Unknown parameter "${name}"; use ${CLIENT_LIST_PARAMETERS.join(', ')}.`);
    }
    const page = world(c).service.listAll(parseListQuery(params, EVERY_ATTRIBUTE));
    const body: { clients: ControlClientView[]; next?: string; prev?: string; totalResults?: number } = { clients: page.items.map(controlView) };
    if (page.next !== undefined) body.next = page.next;
    if (page.prev !== undefined) body.prev = page.prev;
    if (page.total !== undefined) body.totalResults = page.total;
    return c.json(body);
  });

  control.get('/faults', (c) => c.json({ faults: world(c).faults.list() }));
  control.post('/faults', async (c) => {
    const body = await readJson(c);
    try {
      const rule = world(c).faults.add(body);
      return c.json(rule, 201, { location: `/__mock/faults/${encodeURIComponent(rule.id)}` });
    } catch (error) {
      if (error instanceof FaultRuleError) throw new ApiError(400, error.message);
      if (error instanceof FaultRuleConflict) throw new ApiError(409, error.message);
      throw error;
    }
  });
  control.delete('/faults', (c) => {
    world(c).faults.clear();
    return c.body(null, 204);
  });
  control.get('/faults/:id', (c) => {
    const rule = world(c).faults.get(c.req.param('id'));
    if (!rule) throw new ApiError(404, `No fault rule has the id "${c.req.param('id')}".`);
    return c.json(rule);
  });
  control.delete('/faults/:id', (c) => {
    if (!world(c).faults.remove(c.req.param('id'))) throw new ApiError(404, `No fault rule has the id "${c.req.param('id')}".`);
    return c.body(null, 204);
  });

  control.get('/scenarios', (c) =>
    c.json({
      scenarios: [...runtime.scenarios.values()].map((s) => ({
        name: s.name,
        description: s.description,
        data: s.data?.kind ?? 'unchanged',
        faults: s.faults.length,
        rateLimits: s.rateLimits !== undefined,
      })),
    }),
  );
  control.post('/scenarios/:name', async (c) => {
    const name = c.req.param('name');
    if (!runtime.scenarios.has(name)) {
      throw new ApiError(404, `No scenario is named "${name}"; available: ${[...runtime.scenarios.keys()].join(', ')}.`);
    }
    world(c).applyScenario(name);
    return c.json(await flushed(c, { scenario: name, clients: world(c).store.count(), faults: world(c).faults.list().map((f) => f.id) }));
  });

  // One buffer shared by parallel reads while the journal does not change (see RequestJournal.listJson).
  control.get('/requests', (c) => c.body(world(c).journal.listJson(journalFilter(c)), 200, { 'content-type': 'application/json' }));
  control.get('/requests/:id', (c) => {
    const id = c.req.param('id');
    const entry = /^[1-9]\d{0,15}$/.test(id) ? world(c).journal.get(Number(id)) : undefined;
    if (!entry) throw new ApiError(404, `The journal holds no request with the id "${id}" (it keeps the last ${world(c).journal.limit}).`);
    return c.json(entry);
  });
  control.delete('/requests', (c) => {
    world(c).journal.clear();
    return c.body(null, 204);
  });

  control.get('/events', changeFeed(runtime));

  control.get('/sessions', (c) => c.json({ sessions: runtime.sessions.list() }));
  control.post('/sessions', async (c) => {
    const body = (await readJson(c)) as { name?: unknown; scenario?: unknown };
    if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof body.name !== 'string') {
      throw new ApiError(400, 'The body must be {"name": "<session>", "scenario"?: "<scenario>"}.');
    }
    const unknown = Object.keys(body).filter((key) => key !== 'name' && key !== 'scenario');
    if (unknown.length > 0) throw new ApiError(400, `Unknown field "${unknown[0]}"; a session takes "name" and "scenario".`);
    if (body.scenario !== undefined && (typeof body.scenario !== 'string' || !runtime.scenarios.has(body.scenario))) {
      throw new ApiError(400, `No scenario is named ${JSON.stringify(body.scenario)}; available: ${[...runtime.scenarios.keys()].join(', ')}.`);
    }
    const created = runtime.sessions.create(body.name, body.scenario as string | undefined);
    return c.json({ name: body.name, scenario: body.scenario ?? null, clients: created.store.count() }, 201, { location: `/__mock/sessions/${encodeURIComponent(body.name)}` });
  });
  control.delete('/sessions/:name', (c) => {
    const name = c.req.param('name');
    if (name === 'default') throw new ApiError(400, 'The default session cannot be ended; POST /__mock/reset resets it.');
    if (!runtime.sessions.delete(name)) throw new ApiError(404, `No session is named "${name}".`);
    return c.body(null, 204);
  });

  control.post('/provider-states', async (c) => {
    const body = await readJson(c);
    try {
      const result = runProviderStates(world(c), runtime.scenarios, parseProviderStateBody(body));
      return c.json(await flushed(c, result));
    } catch (error) {
      if (error instanceof ProviderStateError) throw new ApiError(400, error.message);
      throw error;
    }
  });

  // A known path with another method is a 405 with Allow, as on the API (same resolver); anything else a 404.
  const known = new OperationResolver(
    Object.entries(controlOpenApi.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => ['get', 'put', 'post', 'delete', 'patch'].includes(key))
        .map((method) => ({ operationId: `${method} ${path}`, method: method.toUpperCase(), path, responses: [] })),
    ),
  );
  control.all('*', (c) => {
    const match = known.resolve(c.req.method, c.req.path);
    if (match.kind === 'method-not-allowed') {
      const allow = match.allow.join(', ');
      throw new ApiError(405, `${c.req.method} is not allowed here; allowed: ${allow}.`, { allow });
    }
    throw new ApiError(404, `No control route matches ${c.req.method} ${c.req.path}; see GET /__mock/control.openapi.json.`);
  });
  return control;
}

/** Control bodies are JSON whatever their content type (so `curl -d` works as is). */
async function readJson(c: Context<AppEnv>): Promise<unknown> {
  const text = await readTextBody(c.req.raw, MAX_CONTROL_BODY_BYTES, incomingOf(c));
  if (text.trim() === '') throw new ApiError(400, 'A JSON request body is required.');
  return parseJsonText(text);
}

function journalFilter(c: Context<AppEnv>): JournalFilter {
  const query = c.req.queries();
  const filter: JournalFilter = {};
  for (const [name, values] of Object.entries(query)) {
    if (!JOURNAL_FILTERS.has(name)) throw new ApiError(400, `Unknown filter "${name}"; use ${[...JOURNAL_FILTERS].join(', ')}.`);
    if (values.length !== 1) throw new ApiError(400, `The filter "${name}" may be given once.`);
  }
  const one = (name: string) => query[name]?.[0];
  if (one('operationId') !== undefined) filter.operationId = one('operationId');
  if (one('method') !== undefined) filter.method = one('method');
  const status = one('status');
  if (status !== undefined) {
    if (!/^\d{1,3}$/.test(status)) throw new ApiError(400, `status must be a status code (0 for dropped connections), not "${status}".`);
    filter.status = Number(status);
  }
  const limit = one('limit');
  if (limit !== undefined) {
    if (!/^[1-9]\d*$/.test(limit)) throw new ApiError(400, `limit must be a positive whole number, not "${limit}".`);
    // Past what the journal holds, everything it holds.
    filter.limit = Number(limit);
  }
  return filter;
}
