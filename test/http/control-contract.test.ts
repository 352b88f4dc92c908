/**
 * The control API against its own document (/__mock/control.openapi.json), judged by Prism's
 * response validator, not by the mock's schemas: every answer a documented status has validates.
 */
import { getHttpOperationsFromSpec } from '@stoplight/prism-http/dist/utils/operations.js';
import routeModule from '@stoplight/prism-http/dist/router/index.js';
import { validateOutput } from '@stoplight/prism-http/dist/validator/index.js';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { SESSION_NAME } from '../../src/runtime/sessions.js';
import { API } from '../support/api.js';
import { controlMock, type ControlReply } from './control-helpers.js';

type Route = (opts: { resources: unknown[]; input: unknown }) => { _tag: 'Left' | 'Right'; right?: any };
const route: Route = ((routeModule as unknown as { default?: Route }).default ?? routeModule) as Route;
let operations: unknown[] = [];
let document: any;

beforeAll(async () => {
  const { control } = await controlMock();
  document = (await control.get('/control.openapi.json')).body;
  // A copy: Prism resolves the $refs of what it is given in place.
  operations = await getHttpOperationsFromSpec(structuredClone(document));
});

// CommonJS packages, as the mock itself loads them (src/contract/ajv.ts).
const require = createRequire(import.meta.url);
const Ajv = require('ajv').default as typeof import('ajv').default;
const addFormats = require('ajv-formats').default as (ajv: InstanceType<typeof Ajv>) => void;

/** A strict JSON Schema reading of one of the document's schemas (Prism merges an allOf more loosely). */
function strictly(schema: string, value: unknown): string {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ components: document.components }, 'control');
  const validate = ajv.compile({ $ref: `control#/components/schemas/${schema}` });
  return validate(value) ? '' : `${schema}: ${ajv.errorsText(validate.errors)}`;
}

/** Prism's problems with an answer of `method path`; an undocumented status is one too. */
function problems(method: string, path: string, reply: ControlReply): string[] {
  const matched = route({ resources: operations, input: { method: method.toLowerCase(), url: { path: path.split('?')[0] } } });
  if (matched._tag !== 'Right') return [`no operation for ${method} ${path}`];
  const operation = matched.right;
  if (!operation.responses.some((r: { code: string }) => r.code === String(reply.status))) return [`${method} ${path}: status ${reply.status} is not documented`];
  const result = validateOutput({ resource: operation, element: { statusCode: reply.status, headers: reply.headers, body: reply.body } }) as { _tag: string; left?: { severity: number; message: string; path?: string[] }[] };
  return result._tag === 'Right' ? [] : (result.left ?? []).filter((d) => d.severity === 0).map((d) => `${method} ${path} ${reply.status} ${(d.path ?? []).join('.')}: ${d.message}`);
}

describe('the control API answers as its own document says', () => {
  it('fault rules, the state with connection configs, the journal with errors, sessions, scenarios, provider states', async () => {
    const { api, control } = await controlMock();
    const seen: string[] = [];
    const check = async (method: string, path: string, body?: unknown) => {
      const reply = await control.call(method, path, body);
      seen.push(...problems(method, `/__mock${path}`, reply));
      return reply;
    };

    const rule = await check('POST', '/faults', { id: 'slow-list', status: 503, operationId: 'readAllOAuthClientsQCC', times: 2, description: 'two 503s' });
    expect(rule.status).toBe(201);
    await check('POST', '/faults', { delayMs: 5, method: 'GET', path: '/api/v1/*' });
    await check('GET', '/faults');
    await check('GET', '/faults/slow-list');

    // A published client another tenant has a config for: the state holds connectionConfigs.
    const created = await api.post('/api/v1/oauth-clients', { body: { appType: 'spa', clientName: 'Shared', allowedOrigins: ['https://a.example.com'], redirectUris: ['https://a.example.com/cb'] } });
    const id = created.body.clientId;
    expect((await api.post(`/api/v1/oauth-clients/${id}/actions/publish`)).status).toBe(201);
    expect((await api.call('PATCH', `/api/v1/oauth-clients/${id}/connection-configs/me`, { token: 'other-tenant-admin-token', body: [{ op: 'replace', path: '/consentMethod', value: 'trusted' }] })).status).toBe(204);
    const state = await check('GET', '/state');
    expect(state.body.connectionConfigs?.length).toBeGreaterThan(0);
    expect((await check('PUT', '/state', state.body)).status).toBe(200);

    // A journal entry of an error answer carries {detail, traceId}.
    expect((await api.get(`${API}/no-such-client`)).status).toBe(404);
    const journal = await check('GET', '/requests?status=404');
    expect(journal.body.requests[0].error).toMatchObject({ detail: expect.any(String), traceId: expect.any(String) });
    await check('GET', `/requests/${journal.body.requests[0].id}`);

    await check('POST', '/sessions', { name: 'w1' });
    await check('GET', '/sessions');
    await check('GET', '/scenarios');
    await check('GET', '/clients?limit=2&totalResults=true');
    await check('POST', '/provider-states', { state: 'a web client with 2 secrets', action: 'setup' });
    await check('GET', '/health');
    // Closed schemas read strictly: a rule as the mock shows it, the state, a journal entry.
    expect([strictly('FaultRuleView', rule.body), strictly('Snapshot', state.body), strictly('JournalEntry', journal.body.requests[0])].filter(Boolean)).toEqual([]);
    await check('DELETE', '/faults/slow-list');
    await check('POST', '/reset');
    expect(seen).toEqual([]);
  });

  it('documents the session header and its 400, and the control token and its 401', async () => {
    const { control } = await controlMock({ controlToken: 'tok' });
    const badSession = await control.call('GET', '/faults', undefined, { 'x-mock-session': 'bad name!', authorization: 'Bearer tok' });
    const noToken = await control.get('/faults');
    expect([badSession.status, noToken.status]).toEqual([400, 401]);
    expect([...problems('GET', '/__mock/faults', badSession), ...problems('GET', '/__mock/faults', noToken)]).toEqual([]);
    const parameters = (document.paths['/__mock/faults'].get.parameters as { $ref?: string }[]).map((p) => p.$ref);
    expect(parameters).toContain('#/components/parameters/Session');
    expect(document.components.parameters.Session.schema.pattern).toBe(SESSION_NAME.source);
    expect(document.components.securitySchemes.controlToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    // The health check stays open, as the mock keeps it.
    expect(document.paths['/__mock/health'].get.security).toEqual([]);
    expect((await control.get('/health')).status).toBe(200);
  });
});
