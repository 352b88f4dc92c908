/**
 * The contract half of `verify`, without Pact or a server: each kind of request or expectation
 * the API cannot satisfy is named; fair ones (the committed example pact) pass.
 */
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../src/contract/document.js';
import { ContractChecker } from '../../src/verify/contract-check.js';
import { readPactFile, type PactInteraction, type PactRequest, type PactResponse } from '../../src/verify/pact-file.js';

const checker = new ContractChecker([loadContract('core'), loadContract('v1')]);
const ID = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';

function interaction(request: Partial<PactRequest> & { method: string; path: string }, response: Partial<PactResponse> & { status: number }): PactInteraction {
  return {
    description: 'an interaction',
    providerStates: [],
    type: 'Synchronous/HTTP',
    request: { query: {}, headers: {}, ...request },
    response: { headers: {}, ...response },
  };
}

describe('ContractChecker', () => {
  it('passes every interaction of the committed example pact', () => {
    const pact = readPactFile('pacts/admin-frontend-qlik-oauth-clients.json');
    expect(pact.interactions).toHaveLength(11);
    expect(pact.interactions.map((i) => [i.description, checker.check(i)]).filter(([, problems]) => problems.length > 0)).toEqual([]);
  });

  it('passes a fair read, including ownerId (required by the document though never defined) and nested secret hints', () => {
    const body = { clientId: ID, clientName: 'App', appType: 'web', ownerId: 'u1', clientSecrets: [{ hint: 'ab12' }], connectionConfig: { consentMethod: 'trusted' } };
    expect(checker.check(interaction({ method: 'GET', path: `/api/v1/oauth-clients/${ID}` }, { status: 200, body }))).toEqual([]);
  });

  it('names a field the contract lacks, at any depth', () => {
    expect(checker.check(interaction({ method: 'GET', path: `/api/core/oauth-clients/${ID}` }, { status: 200, body: { clientId: ID, lastUsedAt: 'x' } }))).toEqual([
      'response 200 (readOAuthClientQCC): body $.lastUsedAt is not a field the contract defines here',
    ]);
    const list = { data: [{ clientId: ID, clientSecrets: [{ hint: 'ab12', value: 'secret' }] }], links: { self: { href: 'http://h/api/core/oauth-clients' } } };
    expect(checker.check(interaction({ method: 'GET', path: '/api/core/oauth-clients' }, { status: 200, body: list }))).toEqual([
      'response 200 (readAllOAuthClientsQCC): body $.data[0].clientSecrets[0].value is not a field the contract defines here',
    ]);
  });

  it('names a status the operation never returns, and accepts 429 (rate limits, FACTS.md) on any operation', () => {
    expect(checker.check(interaction({ method: 'DELETE', path: `/api/core/oauth-clients/${ID}`, headers: { 'qlik-confirm-delete': ID } }, { status: 200 }))).toEqual([
      'response: status 200 is not one deleteOAuthClientQCC returns (the contract documents 204, 400, 401, 403, 404, 500, 503)',
    ]);
    const limited = { errors: [{ code: 'HTTP-429', title: 'API rate limit reached.' }] };
    expect(checker.check(interaction({ method: 'GET', path: '/api/core/oauth-clients' }, { status: 429, body: limited }))).toEqual([]);
  });

  it('names wrong example values in an expected body (matchers are judged by their examples)', () => {
    const body = { data: [{ clientId: 7, appType: 'desktop' }], links: {}, totalResults: 'many' };
    expect(checker.check(interaction({ method: 'GET', path: '/api/core/oauth-clients' }, { status: 200, body }))).toEqual([
      'response 200 (readAllOAuthClientsQCC): body $.data[0].appType must be one of "web", "native", "spa", "anonymous-embed"',
      'response 200 (readAllOAuthClientsQCC): body $.data[0].clientId must be string',
      'response 200 (readAllOAuthClientsQCC): body $.totalResults must be integer',
    ]);
  });

  it('names a body expected where the contract has none, and a non-JSON content type', () => {
    expect(checker.check(interaction({ method: 'PATCH', path: `/api/core/oauth-clients/${ID}`, body: [] }, { status: 204, body: { ok: true } }))).toEqual([
      'response 204 (patchOAuthClientQCC): the contract describes no body for this status, but the pact expects one',
    ]);
    expect(
      checker.check(interaction({ method: 'GET', path: `/api/core/oauth-clients/${ID}` }, { status: 404, headers: { 'content-type': 'text/html' }, body: '<h1>404</h1>' })),
    ).toEqual([
      'response 404 (readOAuthClientQCC): the contract answers application/json, but the pact expects Content-Type "text/html"',
      'response 404 (readOAuthClientQCC): the contract answers a JSON object, but the pact expects "<h1>404</h1>"',
    ]);
  });

  it('names requests the API does not take: unknown route, wrong method, bad parameters, missing header, invalid body', () => {
    expect(checker.check(interaction({ method: 'GET', path: '/api/core/oauth-client' }, { status: 200 }))).toEqual([
      'request: no operation of the contracts matches GET /api/core/oauth-client',
    ]);
    expect(checker.check(interaction({ method: 'PUT', path: `/api/core/oauth-clients/${ID}` }, { status: 204 }))).toEqual([
      `request: PUT is not an operation on /api/core/oauth-clients/${ID} (the contract has GET, PATCH, DELETE)`,
    ]);
    const query = { limit: ['500'], totalResults: ['yes'], sort: ['+ownerId'] };
    expect(checker.check(interaction({ method: 'GET', path: '/api/core/oauth-clients', query }, { status: 400 }))).toEqual([
      'request (readAllOAuthClientsQCC): query parameter "limit=500" must be <= 100',
      'request (readAllOAuthClientsQCC): query parameter "totalResults=yes" is not a boolean (true or false)',
      'request (readAllOAuthClientsQCC): query parameter "sort=+ownerId" must be one of "+clientId", "-clientId", "+clientName", "-clientName", "+appType", "-appType", "+createdAt", "-createdAt", "+updatedAt", "-updatedAt"',
    ]);
    expect(checker.check(interaction({ method: 'DELETE', path: `/api/core/oauth-clients/${ID}` }, { status: 204 }))).toEqual([
      'request (deleteOAuthClientQCC): the required header "qlik-confirm-delete" is missing',
    ]);
    expect(checker.check(interaction({ method: 'POST', path: '/api/core/oauth-clients', body: { appType: 'desktop', clientName: 'x' } }, { status: 400 }))).toEqual([
      'request (createOAuthClientQCC): body $.appType must be one of "web", "native", "spa", "anonymous-embed"',
    ]);
    expect(checker.check(interaction({ method: 'PATCH', path: `/api/core/oauth-clients/${ID}` }, { status: 204 }))).toEqual([
      'request (patchOAuthClientQCC): the operation requires a JSON body and the pact sends none',
    ]);
  });

  it('checks each interaction against the contract of the path it calls', () => {
    const v1Item = { clientId: ID, appType: 'spa', clientName: 'x', createdAt: '2025-01-01T00:00:00Z', ownerId: 'o', createdByType: 'user', publishedAt: '2025-01-02T00:00:00Z' };
    // createdByType and publishedAt are the tenant API's: fine on /api/v1; createdByType is not core's.
    expect(checker.check(interaction({ method: 'GET', path: `/api/v1/oauth-clients/${ID}` }, { status: 200, body: v1Item }))).toEqual([]);
    expect(checker.check(interaction({ method: 'GET', path: `/api/core/oauth-clients/${ID}` }, { status: 200, body: v1Item }))).toEqual([
      'response 200 (readOAuthClientQCC): body $.createdByType is not a field the contract defines here',
    ]);
    expect(checker.check(interaction({ method: 'POST', path: `/api/v1/oauth-clients/${ID}/actions/publish` }, { status: 201, body: { publishedAt: '2025-01-02T00:00:00Z' } }))).toEqual([]);
    expect(checker.check(interaction({ method: 'GET', path: '/api/v1/oauth-clients', query: { sort: ['-tenantId'] } }, { status: 200 }))).toEqual([]);
    expect(checker.check(interaction({ method: 'GET', path: '/api/core/oauth-clients', query: { sort: ['-tenantId'] } }, { status: 200 }))[0]).toMatch(/sort=-tenantId" must be one of/);
  });

  it('flags clientSecretHint, which real create answers carry but neither contract defines', () => {
    const created = { clientId: ID, appType: 'web', clientName: 'x', createdAt: '2025-01-01T00:00:00Z', ownerId: 'o', clientSecret: 'a'.repeat(64), clientSecretHint: 'aaaaa' };
    for (const prefix of ['/api/core/oauth-clients', '/api/v1/oauth-clients']) {
      const problems = checker.check(interaction({ method: 'POST', path: prefix, body: { appType: 'web', clientName: 'x' } }, { status: 201, body: created }));
      expect(problems).toEqual([expect.stringMatching(/body \$\.clientSecretHint is not a field the contract defines here/)]);
    }
  });

  it('refuses message interactions: this API is HTTP only', () => {
    expect(checker.check({ description: 'an event', providerStates: [], type: 'Asynchronous/Messages' })).toEqual([
      '"Asynchronous/Messages" is not an HTTP request/response interaction; this API has HTTP operations only',
    ]);
  });
});
