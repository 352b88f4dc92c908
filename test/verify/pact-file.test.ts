/** Reading pact files of every specification version into one shape, and refusing what is not a pact. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PactFileError, parsePact, readPactFile } from '../../src/verify/pact-file.js';

const dir = mkdtempSync(join(tmpdir(), 'pact-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parsePact', () => {
  it('reads V2: providerState as a string, the query as a string', () => {
    const pact = parsePact({
      consumer: { name: 'c' },
      provider: { name: 'p' },
      interactions: [
        {
          description: 'list',
          providerState: 'no clients',
          request: { method: 'get', path: '/api/core/oauth-clients', query: 'limit=5&filter=appType%20eq%20%22web%22' },
          response: { status: 200, headers: { 'Content-Type': 'application/json' }, body: { data: [] } },
        },
      ],
      metadata: { pactSpecification: { version: '2.0.0' } },
    });
    expect(pact).toMatchObject({ consumer: 'c', provider: 'p', specification: '2.0.0' });
    expect(pact.interactions[0]).toEqual({
      description: 'list',
      providerStates: [{ name: 'no clients' }],
      type: 'Synchronous/HTTP',
      request: { method: 'GET', path: '/api/core/oauth-clients', query: { limit: ['5'], filter: ['appType eq "web"'] }, headers: {}, body: undefined },
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: { data: [] } },
    });
  });

  it('reads V3: providerStates with params, the query as a map of arrays', () => {
    const pact = parsePact({
      interactions: [
        {
          description: 'secrets',
          providerStates: [{ name: 'a web client with 5 secrets', params: { clientId: 'x' } }],
          request: { method: 'POST', path: '/api/core/oauth-clients/x/client-secrets', query: { a: ['1', '2'] }, headers: { Authorization: 'Bearer t' } },
          response: { status: 409, body: { errors: [{ code: 'HTTP-409', title: 'Conflict' }] } },
        },
      ],
    });
    expect(pact.interactions[0].providerStates).toEqual([{ name: 'a web client with 5 secrets', params: { clientId: 'x' } }]);
    expect(pact.interactions[0].request).toMatchObject({ query: { a: ['1', '2'] }, headers: { authorization: 'Bearer t' } });
    expect(pact.interactions[0].response?.status).toBe(409);
  });

  it('reads V4: typed interactions, bodies wrapped with their content type (also base64), header value arrays', () => {
    const pact = parsePact({
      interactions: [
        {
          type: 'Synchronous/HTTP',
          description: 'create',
          request: {
            method: 'POST',
            path: '/api/core/oauth-clients',
            headers: { 'Content-Type': ['application/json'] },
            body: { content: { appType: 'web', clientName: 'A' }, contentType: 'application/json', encoded: false },
          },
          response: {
            status: 201,
            body: { content: Buffer.from('{"clientId":"abc"}').toString('base64'), contentType: 'application/json', encoded: 'base64' },
          },
        },
        { type: 'Asynchronous/Messages', description: 'an event', contents: {} },
      ],
      metadata: { pactSpecification: { version: '4.0' } },
    });
    expect(pact.interactions[0].request).toMatchObject({ headers: { 'content-type': 'application/json' }, body: { appType: 'web', clientName: 'A' } });
    expect(pact.interactions[0].response?.body).toEqual({ clientId: 'abc' });
    expect(pact.interactions[1]).toEqual({ description: 'an event', providerStates: [], type: 'Asynchronous/Messages' });
  });

  it('refuses what is not a pact, naming the file and the interaction', () => {
    expect(() => parsePact({ hello: 'world' }, 'x.json')).toThrow(new PactFileError('x.json is not a pact file: it has no "interactions" array'));
    expect(() => parsePact({ interactions: [{ description: 'd', request: { path: '/x' }, response: { status: 200 } }] }, 'x.json')).toThrow(
      'x.json: interactions[0] ("d") has no request method or path',
    );
  });
});

describe('readPactFile', () => {
  it('refuses a missing file and a file that is not JSON', () => {
    expect(() => readPactFile(join(dir, 'missing.json'))).toThrow(/cannot read .*missing\.json: no such file/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ not json');
    expect(() => readPactFile(broken)).toThrow(/broken\.json is not JSON/);
  });
});
