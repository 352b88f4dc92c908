/**
 * The independent oracle: Stoplight Prism's own response validator, fed with the vendored
 * contracts (core for /api/core, v1 for /api/v1). The server's ajv validators are never used to
 * judge the server.
 */
import { readFileSync } from 'node:fs';
import { getHttpOperationsFromSpec } from '@stoplight/prism-http/dist/utils/operations.js';
import routeModule from '@stoplight/prism-http/dist/router/index.js';
import { validateOutput } from '@stoplight/prism-http/dist/validator/index.js';

type Route = (opts: { resources: unknown[]; input: unknown }) => { _tag: 'Left' | 'Right'; right?: any };
const route: Route = ((routeModule as unknown as { default?: Route }).default ?? routeModule) as Route;

const CONTRACTS = [new URL('../../contract/oauth-clients.openapi.json', import.meta.url), new URL('../../contract/oauth-clients.v1.openapi.json', import.meta.url)];

/**
 * Statuses the document does not describe for an operation but that the mock answers by
 * design: they are checked for the API's error shape instead of by Prism.
 * 400 (the v1 list documents none; a bad filter is still one, chosen), 404 (unknown route, or a
 * fault), 405 wrong method, 413 body too large, 415 wrong content type, 429 rate limited
 * (docs/FACTS.md), and any status a consumer's fault asks for.
 */
export const UNDOCUMENTED_ERROR_STATUSES = [400, 404, 405, 409, 413, 415, 429, 500, 502, 503, 504] as const;

let operations: unknown[] | undefined;

export async function loadOracle(): Promise<void> {
  operations ??= (await Promise.all(CONTRACTS.map((url) => getHttpOperationsFromSpec(JSON.parse(readFileSync(url, 'utf8')))))).flat();
}

export interface Observed {
  method: string;
  path: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Problems with a response, judged by Prism where the document describes it; [] when it conforms. */
export function judge(response: Observed): string[] {
  if (!operations) throw new Error('call loadOracle() first');
  if (response.path === TOKEN_PATH) return judgeTokenEndpoint(response);
  const matched = route({ resources: operations, input: { method: response.method.toLowerCase(), url: { path: response.path } } });
  const operation = matched._tag === 'Right' ? matched.right : undefined;
  const documented = operation?.responses.some((r: { code: string }) => r.code === String(response.status));
  if (!operation || !documented) return judgeErrorShape(response);
  const result = validateOutput({
    resource: operation,
    element: { statusCode: response.status, headers: response.headers, body: response.body },
  }) as { _tag: string; left?: { severity: number; message: string; path?: string[] }[] };
  if (result._tag === 'Right') return [];
  return (result.left ?? []).filter((d) => d.severity === 0).map((d) => `${(d.path ?? []).join('.')}: ${d.message}`);
}

/**
 * The token endpoint is not in the document; FACTS.md describes it: a 200 is
 * `{access_token, token_type: "bearer", expires_in, scope}`, and its errors (400 for a bad
 * request, 401 for bad client credentials) are in the API's error shape, which the SDK reads.
 */
const TOKEN_PATH = '/oauth/token';

function judgeTokenEndpoint(response: Observed): string[] {
  if (response.status === 200) {
    const body = response.body as Record<string, unknown> | undefined;
    const problems: string[] = [];
    if (typeof body?.access_token !== 'string' || body.access_token === '') problems.push('access_token must be a non-empty string');
    if (body?.token_type !== 'bearer') problems.push('token_type must be "bearer"');
    if (typeof body?.expires_in !== 'number' || body.expires_in <= 0) problems.push('expires_in must be a positive number');
    if (typeof body?.scope !== 'string') problems.push('scope must be a string');
    return problems;
  }
  return response.status === 400 || response.status === 401 ? errorShapeProblems(response) : judgeErrorShape(response);
}

/** The API's error body: {"errors":[{"code","title","detail"}]}, for statuses the document does not list. */
function judgeErrorShape(response: Observed): string[] {
  if (response.status < 400) return [`status ${response.status} is not described by the document for ${response.method} ${response.path}`];
  if (!(UNDOCUMENTED_ERROR_STATUSES as readonly number[]).includes(response.status) && response.status < 500) {
    return [`status ${response.status} is neither documented nor an expected undocumented error status`];
  }
  return errorShapeProblems(response);
}

function errorShapeProblems(response: Observed): string[] {
  const body = response.body as { errors?: unknown };
  if (!body || typeof body !== 'object' || !Array.isArray(body.errors) || body.errors.length === 0) return ['error body lacks an errors array'];
  const problems: string[] = [];
  for (const error of body.errors as Record<string, unknown>[]) {
    if (typeof error.code !== 'string') problems.push('errors[].code must be a string');
    if (typeof error.title !== 'string') problems.push('errors[].title must be a string');
    if (error.detail !== undefined && typeof error.detail !== 'string') problems.push('errors[].detail must be a string');
  }
  if (!String(response.headers['content-type'] ?? '').startsWith('application/json')) problems.push('error content-type must be JSON');
  return problems;
}
