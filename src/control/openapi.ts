import { faultRuleSchema } from '../faults/rules.js';
import { snapshotSchema } from '../store/snapshot.js';
import { isOpenWithoutToken, UI_FILES } from './ui.js';

const json = (schema: unknown, description: string) => ({ description, content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = (description: string) => json(ref('Error'), description);
const noContent = { description: 'Done; no body.' };

/**
 * The control API under /__mock, described as OpenAPI 3.0 (served at
 * GET /__mock/control.openapi.json). A test checks that every registered control route is here.
 */
export const controlOpenApi = withSessionAndToken({
  openapi: '3.0.3',
  info: {
    title: 'qlik-oauth-clients-mock control API',
    version: '1.0.0',
    description:
      'Drives the mock from tests: data, fault rules, scenarios, the request journal and Pact provider states. ' +
      'JSON in and out (request bodies are parsed as JSON whatever their content type). No bearer token is needed unless the mock ' +
      'was started with a control token. Control requests are never faulted, rate limited or journaled. Errors use the API error shape.',
  },
  paths: {
    '/__mock/ui': {
      get: {
        operationId: 'dashboard',
        summary: 'The dashboard: a page that shows and drives this control API (served without the control token; it asks for it when needed)',
        responses: { 200: { description: 'The page.', content: { 'text/html': { schema: { type: 'string' } } } } },
      },
    },
    '/__mock/ui/{file}': {
      parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string', enum: UI_FILES } }],
      get: {
        operationId: 'dashboardFile',
        summary: "One of the dashboard's files (script, style sheet)",
        responses: { 200: { description: 'The file.', content: { 'text/javascript': { schema: { type: 'string' } }, 'text/css': { schema: { type: 'string' } } } }, 404: error('No such file.') },
      },
    },
    '/__mock/operations': {
      get: {
        operationId: 'listOperations',
        summary: 'Every operation a fault rule or journal filter may name: both APIs and the token endpoint',
        responses: {
          200: json(
            {
              type: 'object',
              required: ['operations'],
              properties: {
                operations: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['operationId', 'method', 'path', 'api'],
                    properties: { operationId: { type: 'string' }, method: { type: 'string' }, path: { type: 'string' }, api: { type: 'string', enum: ['core', 'v1', 'mock'] } },
                  },
                },
              },
            },
            'The operations.',
          ),
        },
      },
    },
    '/__mock/health': {
      get: { operationId: 'health', summary: 'Liveness', responses: { 200: json(ref('Health'), 'The mock is up.') } },
    },
    '/__mock/openapi.json': {
      get: { operationId: 'getContract', summary: 'The vendored contract of the organization-level API (/api/core), as is', responses: { 200: json({ type: 'object' }, 'The OpenAPI document.') } },
    },
    '/__mock/openapi.v1.json': {
      get: { operationId: 'getV1Contract', summary: 'The contract of the tenant-level API (/api/v1), assembled from its facts', responses: { 200: json({ type: 'object' }, 'The OpenAPI document.') } },
    },
    '/__mock/control.openapi.json': {
      get: { operationId: 'getControlContract', summary: 'This document', responses: { 200: json({ type: 'object' }, 'The OpenAPI document of the control API.') } },
    },
    '/__mock/reset': {
      post: {
        operationId: 'reset',
        summary: 'Back to how the mock started: data, identities, fault rules (with fresh counters), rate-limit counters; empties the journal',
        responses: { 200: json(ref('ResetResult'), 'Reset.') },
      },
    },
    '/__mock/state': {
      get: { operationId: 'exportState', summary: 'Every stored client (secrets as hashes)', responses: { 200: json(ref('Snapshot'), 'The stored data.') } },
      put: {
        operationId: 'importState',
        summary: 'Replace every stored client; validated, all or nothing',
        requestBody: { required: true, content: { 'application/json': { schema: ref('Snapshot') } } },
        responses: { 200: json(ref('StateResult'), 'Replaced.'), 400: error('Invalid data; nothing changed.') },
      },
    },
    '/__mock/clients': {
      get: {
        operationId: 'listStoredClients',
        summary: "The session's stored clients of every tenant, as the control API sees them: the API view plus tenantId and a count of secrets (hints only)",
        parameters: [
          { name: 'filter', in: 'query', description: 'SCIM filter on clientId, clientName, appType, tenantId, createdByType (as the API filters)', schema: { type: 'string' } },
          { name: 'sort', in: 'query', description: '+ or - and one of clientId, clientName, appType, tenantId, createdAt, updatedAt (default +createdAt)', schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
          { name: 'next', in: 'query', description: 'The `next` cursor of a previous page', schema: { type: 'string' } },
          { name: 'prev', in: 'query', description: 'The `prev` cursor of a previous page', schema: { type: 'string' } },
          { name: 'totalResults', in: 'query', schema: { type: 'boolean' } },
        ],
        responses: {
          200: json(
            {
              type: 'object',
              required: ['clients'],
              properties: {
                clients: { type: 'array', items: ref('StoredClientView') },
                next: { type: 'string', description: 'Cursor of the next page, when there is one' },
                prev: { type: 'string', description: 'Cursor of the previous page, when there is one' },
                totalResults: { type: 'integer', description: 'With totalResults=true: how many match' },
              },
            },
            'A page of clients, oldest first unless sorted.',
          ),
          400: error('A bad filter, sort, limit or cursor, or an unknown parameter.'),
        },
      },
    },
    '/__mock/faults': {
      get: {
        operationId: 'listFaults',
        summary: 'The fault rules in evaluation (creation) order, with how often each fired',
        responses: { 200: json({ type: 'object', required: ['faults'], properties: { faults: { type: 'array', items: ref('FaultRuleView') } } }, 'The rules.') },
      },
      post: {
        operationId: 'createFault',
        summary: 'Add a fault rule (evaluated after the existing ones)',
        requestBody: { required: true, content: { 'application/json': { schema: ref('FaultRule') } } },
        responses: {
          201: json(ref('FaultRuleView'), 'Created; `location` names it.'),
          400: error('Invalid rule.'),
          409: error('A rule with this id exists.'),
        },
      },
      delete: { operationId: 'deleteFaults', summary: 'Remove every fault rule', responses: { 204: noContent } },
    },
    '/__mock/faults/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      get: { operationId: 'getFault', summary: 'One fault rule', responses: { 200: json(ref('FaultRuleView'), 'The rule.'), 404: error('No such rule.') } },
      delete: { operationId: 'deleteFault', summary: 'Remove one fault rule', responses: { 204: noContent, 404: error('No such rule.') } },
    },
    '/__mock/scenarios': {
      get: {
        operationId: 'listScenarios',
        summary: 'The scenario files (validated at start)',
        responses: { 200: json({ type: 'object', required: ['scenarios'], properties: { scenarios: { type: 'array', items: ref('ScenarioSummary') } } }, 'The scenarios.') },
      },
    },
    '/__mock/scenarios/{name}': {
      parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
      post: {
        operationId: 'applyScenario',
        summary: "Apply a scenario: its data (if any) replaces the stored data; its identities, fault rules and rate limits replace the current ones",
        responses: { 200: json(ref('ScenarioResult'), 'Applied.'), 404: error('No such scenario.') },
      },
    },
    '/__mock/requests': {
      get: {
        operationId: 'listRequests',
        summary: 'The request journal: the last API requests (default 1,000), newest last',
        parameters: [
          { name: 'operationId', in: 'query', schema: { type: 'string' } },
          { name: 'method', in: 'query', schema: { type: 'string' } },
          { name: 'status', in: 'query', description: '0 for dropped connections', schema: { type: 'integer' } },
          { name: 'limit', in: 'query', description: 'Only the last N matches', schema: { type: 'integer', minimum: 1 } },
        ],
        responses: {
          200: json({ type: 'object', required: ['requests'], properties: { requests: { type: 'array', items: ref('JournalEntry') } } }, 'Matching requests.'),
          400: error('An unknown or invalid filter.'),
        },
      },
      delete: { operationId: 'clearRequests', summary: 'Empty the journal', responses: { 204: noContent } },
    },
    '/__mock/requests/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
      get: { operationId: 'getRequest', summary: 'One journal entry, by its id', responses: { 200: json(ref('JournalEntry'), 'The entry.'), 404: error('No such entry (never recorded, dropped or cleared).') } },
    },
    '/__mock/events': {
      get: {
        operationId: 'changeFeed',
        summary:
          "Server-sent events for the session: a `change` event at once, then one whenever the session's data, journal or fault rules change or a session is made or ends " +
          '(checked every 200 ms, so a burst is one event); a `: heartbeat` comment every 15 s. Its data is each part\'s version: a part whose version moved has changed.',
        responses: {
          200: {
            description: 'An endless text/event-stream; `event: change` with `data: {"data":N,"journal":N,"faults":N,"sessions":N}`.',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
        },
      },
    },
    '/__mock/sessions': {
      get: {
        operationId: 'listSessions',
        summary: 'The default session and every named one: clients, fault rules, journal size, last use',
        responses: { 200: json({ type: 'object', required: ['sessions'], properties: { sessions: { type: 'array', items: ref('SessionInfo') } } }, 'The sessions.') },
      },
      post: {
        operationId: 'createSession',
        summary: 'Make a named session now (sessions are also made on first use of the x-mock-session header)',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' }, scenario: { type: 'string' } } },
            },
          },
        },
        responses: {
          201: json({ type: 'object', properties: { name: { type: 'string' }, scenario: { type: 'string', nullable: true }, clients: { type: 'integer' } } }, 'Made; `location` names it.'),
          400: error('A bad name or an unknown scenario.'),
          409: error('A session of this name exists.'),
          429: error('The mock holds its limit of sessions (--max-sessions).'),
        },
      },
    },
    '/__mock/sessions/{name}': {
      parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
      delete: { operationId: 'deleteSession', summary: 'End a named session: its data, rules, journal and tokens are gone', responses: { 204: noContent, 400: error('The default session.'), 404: error('No such session.') } },
    },
    '/__mock/provider-states': {
      post: {
        operationId: 'providerState',
        summary: 'Pact provider states: set up or tear down a named state (idempotent)',
        requestBody: { required: true, content: { 'application/json': { schema: ref('ProviderStateRequest') } } },
        responses: {
          200: json({ type: 'object', additionalProperties: true }, 'The ids the state created, for fromProviderState (e.g. clientId, hint).'),
          400: error('Unknown state or invalid params (4xx: verifiers do not retry).'),
        },
      },
    },
  },
  components: {
    schemas: {
      SessionInfo: {
        type: 'object',
        required: ['name', 'default', 'clients', 'faults', 'journal', 'lastUsed'],
        properties: {
          name: { type: 'string' },
          default: { type: 'boolean' },
          clients: { type: 'integer' },
          faults: { type: 'integer' },
          journal: { type: 'integer' },
          lastUsed: { type: 'string', format: 'date-time' },
        },
      },
      Error: {
        type: 'object',
        required: ['errors'],
        properties: {
          errors: {
            type: 'array',
            items: {
              type: 'object',
              required: ['code', 'title'],
              properties: { code: { type: 'string' }, title: { type: 'string' }, detail: { type: 'string' }, status: { type: 'string' } },
            },
          },
          traceId: { type: 'string' },
        },
      },
      StoredClientView: {
        type: 'object',
        required: ['clientId', 'clientName', 'appType', 'tenantId', 'createdAt', 'secrets'],
        additionalProperties: true,
        description: 'The full API view of a client, plus its tenant; secrets appear as hints (clientSecrets), never as hashes.',
        properties: {
          clientId: { type: 'string' },
          clientName: { type: 'string' },
          appType: { type: 'string' },
          tenantId: { type: 'string' },
          createdAt: { type: 'string', format: 'date-time' },
          secrets: { type: 'integer', description: 'How many secrets it holds' },
          clientSecrets: { type: 'array', items: { type: 'object', properties: { hint: { type: 'string' }, createdAt: { type: 'string' }, createdBy: { type: 'string' } } } },
        },
      },
      Health: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] }, clients: { type: 'integer' } } },
      ResetResult: { type: 'object', properties: { status: { type: 'string', enum: ['reset'] }, clients: { type: 'integer' }, faults: { type: 'integer' } } },
      StateResult: { type: 'object', properties: { clients: { type: 'integer' } } },
      // The schema PUT checks, as the store declares it (`const` is OpenAPI 3.1's: an enum here).
      Snapshot: { ...snapshotSchema, properties: { ...snapshotSchema.properties, version: { type: 'integer', enum: [1] } } },
      FaultRule: faultRuleSchema,
      // Closed like the rule it extends (an allOf could not add properties to it).
      FaultRuleView: {
        ...faultRuleSchema,
        required: ['id', 'hits', 'remaining'],
        properties: { ...faultRuleSchema.properties, hits: { type: 'integer' }, remaining: { type: 'integer', nullable: true, description: 'null: unlimited' } },
      },
      ScenarioSummary: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          description: { type: 'string' },
          data: { type: 'string', enum: ['fixtures', 'clients', 'faker', 'unchanged'] },
          faults: { type: 'integer' },
          rateLimits: { type: 'boolean' },
        },
      },
      ScenarioResult: {
        type: 'object',
        properties: { scenario: { type: 'string' }, clients: { type: 'integer' }, faults: { type: 'array', items: { type: 'string' } } },
      },
      JournalEntry: {
        type: 'object',
        required: ['id', 'time', 'session', 'method', 'path', 'query', 'operationId', 'headers', 'status', 'durationMs'],
        properties: {
          id: { type: 'integer' },
          time: { type: 'string', format: 'date-time' },
          session: { type: 'string', description: 'The session the request acted on: "default" without x-mock-session' },
          method: { type: 'string' },
          path: { type: 'string' },
          query: { type: 'object', additionalProperties: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } },
          operationId: { type: 'string', nullable: true },
          headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'Lower-case names; authorization, proxy-authorization and cookie redacted.' },
          body: { description: 'Parsed JSON, or text when not JSON; cut at 64 KiB.' },
          bodyTruncated: { type: 'boolean' },
          status: { type: 'integer', description: '0: the connection was dropped' },
          durationMs: { type: 'number' },
          fault: { type: 'string', description: 'The fault rule id, "prefer" or "rate-limit" that shaped the answer' },
          error: {
            type: 'object',
            required: ['detail', 'traceId'],
            properties: { detail: { type: 'string' }, traceId: { type: 'string' } },
            description: "The error answered, as its body said it (absent for a success, or a fault rule's own body)",
          },
        },
      },
      ProviderStateRequest: {
        type: 'object',
        description: 'The current verifier body {state, params, action}, or the legacy {consumer, state | states, params} (no action: setup).',
        properties: {
          state: { type: 'string' },
          states: { type: 'array', items: { type: 'string' } },
          consumer: { type: 'string' },
          params: { type: 'object', additionalProperties: true },
          action: { type: 'string', enum: ['setup', 'teardown'] },
        },
      },
    },
  },
} as const);

type Operation = { parameters?: unknown[]; responses: Record<string, unknown>; security?: unknown[] };

/**
 * What every control route shares, added to each operation: the `x-mock-session` header (a bad
 * name is a 400; a new session past --max-sessions a 429), and the control token, which a mock
 * started with one requires everywhere but on the health check and the dashboard's files (401).
 */
function withSessionAndToken<T extends { paths: Record<string, Record<string, unknown>>; components: Record<string, unknown> }>(doc: T): T {
  const paths: Record<string, Record<string, Operation>> = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    const open = isOpenWithoutToken(path);
    paths[path] = Object.fromEntries(
      Object.entries(item as Record<string, Operation>).map(([method, operation]) => [
        method,
        {
          ...operation,
          parameters: [...(operation.parameters ?? []), { $ref: '#/components/parameters/Session' }],
          responses: {
            400: error('A bad request, or a bad x-mock-session name.'),
            ...(open ? {} : { 401: error('The mock was started with a control token and the request did not send it.') }),
            429: error('A new session past --max-sessions.'),
            ...operation.responses,
          },
          ...(open ? { security: [] } : {}),
        },
      ]),
    );
  }
  return {
    ...doc,
    // No token, or the control token when the mock was started with one.
    security: [{}, { controlToken: [] }],
    paths,
    components: {
      ...doc.components,
      parameters: {
        Session: {
          name: 'x-mock-session',
          in: 'header',
          required: false,
          description: 'The session (an isolated world) the request acts on; without it, the default one. Made on first use.',
          // As SESSION_NAME (runtime/sessions.ts), which this layer may not import.
          schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
        },
      },
      securitySchemes: { controlToken: { type: 'http', scheme: 'bearer', description: 'The --control-token the mock was started with, if any.' } },
    },
  };
}

