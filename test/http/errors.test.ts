import { describe, expect, it } from 'vitest';
import { API } from '../support/api.js';
import { freshMock, webClient } from './helpers.js';

// Statuses the document does not describe for these requests (unknown route 404, 405, 413, 415)
// are checked by the shared client for the error body shape instead of by Prism.
describe('errors in the API shape', () => {
  it('404 for an unknown route, with a traceId and no stack', async () => {
    const { api } = await freshMock();
    const reply = await api.get('/api/core/no-such-thing');
    expect(reply.status).toBe(404);
    expect(reply.body.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(reply.text).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('405 with Allow for a wrong method', async () => {
    const { api } = await freshMock();
    const reply = await api.call('PUT', API, { body: {} });
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('GET, HEAD, POST');
    expect(reply.body.errors[0].code).toBe('HTTP-405');
  });

  it('HEAD answers with the headers of GET, Content-Length included, and no body', async () => {
    const { app } = await freshMock();
    const auth = { authorization: 'Bearer t' };
    for (const path of [`${API}?limit=3`, `${API}/${(await (await app.request(`${API}?limit=1`, { headers: auth })).json()).data[0].clientId}`]) {
      const get = await app.request(path, { headers: auth });
      const bytes = (await get.arrayBuffer()).byteLength;
      const head = await app.request(path, { method: 'HEAD', headers: auth });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
      expect(head.headers.get('content-length')).toBe(String(bytes));
      expect((await head.arrayBuffer()).byteLength).toBe(0);
    }
  });

  it('400 for malformed JSON', async () => {
    const { api } = await freshMock();
    const reply = await api.post(API, { raw: '{"appType": "web",', headers: { 'content-type': 'application/json' } });
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0].detail).toContain('not valid JSON');
  });

  it('400 for JSON of the wrong type at the top level', async () => {
    const { api } = await freshMock();
    expect((await api.post(API, { body: [webClient()] })).status).toBe(400);
    expect((await api.post(API, { raw: 'null', headers: { 'content-type': 'application/json' } })).status).toBe(400);
  });

  it('415 for a body that is not JSON, or has no content type', async () => {
    const { api } = await freshMock();
    expect((await api.post(API, { raw: JSON.stringify(webClient()), headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect((await api.post(API, { raw: JSON.stringify(webClient()) })).status).toBe(415);
  });

  it('413 for a body over 1 MiB', async () => {
    const { api } = await freshMock();
    const reply = await api.post(API, { body: webClient({ description: 'x'.repeat(1024 * 1024 + 10) }) });
    expect(reply.status).toBe(413);
  });

  it('serves the contract read-only at /__mock/openapi.json', async () => {
    const { app } = await freshMock();
    const response = await app.request('/__mock/openapi.json');
    expect(response.status).toBe(200);
    const document = await response.json();
    expect(document.paths['/api/core/oauth-clients']).toBeDefined();
    expect((await app.request('/__mock/openapi.json', { method: 'PUT', body: '{}' })).status).toBe(405);
  });
});
