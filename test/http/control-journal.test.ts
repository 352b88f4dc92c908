import { describe, expect, it } from 'vitest';
import { API } from '../support/api.js';
import { controlMock, expectError } from './control-helpers.js';
import { EMPTY, webClient } from './helpers.js';

describe('the request journal', () => {
  it('records every API request with method, path, query, operationId, headers, body, status and time, newest last', async () => {
    const { api, control } = await controlMock(EMPTY);
    const before = Date.now();
    const created = await api.post(API, { body: webClient({ description: 'journaled' }), headers: { 'x-test-id': 't-1' } });
    await api.get(`${API}?limit=2&filter=${encodeURIComponent('appType eq "web"')}`);
    const { requests } = (await control.get('/requests')).body;
    expect(requests).toHaveLength(2);
    const [post, list] = requests;
    expect(post).toMatchObject({
      method: 'POST',
      path: API,
      query: {},
      operationId: 'createOAuthClientQCC',
      body: { appType: 'web', clientName: 'Test web app', description: 'journaled' },
      status: 201,
    });
    expect(post.headers).toMatchObject({ 'content-type': 'application/json', 'x-test-id': 't-1', authorization: 'Bearer [REDACTED]' });
    expect(Date.parse(post.time)).toBeGreaterThanOrEqual(before - 1);
    expect(post.durationMs).toEqual(expect.any(Number));
    expect(post.id).toBeLessThan(list.id);
    expect(list).toMatchObject({ method: 'GET', operationId: 'readAllOAuthClientsQCC', query: { limit: '2', filter: 'appType eq "web"' }, status: 200 });
    expect(list).not.toHaveProperty('body');
    expect(created.status).toBe(201);
  });

  it('lets a test assert that its frontend sent the confirm header', async () => {
    const { api, control } = await controlMock(EMPTY);
    const { clientId } = (await api.post(API, { body: webClient() })).body;
    await api.delete(`${API}/${clientId}`, { headers: { 'qlik-confirm-delete': clientId } });
    const [entry] = (await control.get('/requests?operationId=deleteOAuthClientQCC')).body.requests;
    expect(entry.headers['qlik-confirm-delete']).toBe(clientId);
    expect(entry.status).toBe(204);
  });

  it('records 4xx answers, unknown routes and faulted requests with their final status', async () => {
    const { api, control } = await controlMock(EMPTY);
    await api.post(API, { body: { appType: 'web' } }); // 400: no clientName
    await api.get(API, { token: null }); // 401
    await api.get(API, { token: 'non-admin-token' }); // 403
    await api.get(`${API}/nope`); // 404 from the service
    await api.get('/api/core/not-here'); // 404, no operation
    await api.call('PUT', API, { body: {} }); // 405
    const rule = (await control.post('/faults', { status: 503, operationId: 'createOAuthClientQCC' })).body;
    await api.post(API, { body: webClient({ clientName: 'faulted' }) });
    await api.get(API, { headers: { prefer: 'code=502' } });
    const { requests } = (await control.get('/requests')).body;
    expect(requests.map((r: any) => [r.operationId, r.status, r.fault ?? null])).toEqual([
      ['createOAuthClientQCC', 400, null],
      ['readAllOAuthClientsQCC', 401, null],
      ['readAllOAuthClientsQCC', 403, null],
      ['readOAuthClientQCC', 404, null],
      [null, 404, null],
      [null, 405, null],
      ['createOAuthClientQCC', 503, rule.id],
      ['readAllOAuthClientsQCC', 502, 'prefer'],
    ]);
    // The faulted request's body was never read by a handler, and is journaled all the same.
    expect(requests[6].body).toEqual(webClient({ clientName: 'faulted' }));
    expect(requests[0].body).toEqual({ appType: 'web' });
  });

  it('keeps a body that is not JSON as text', async () => {
    const { api, control } = await controlMock(EMPTY);
    await api.post(API, { raw: '{"appType": "web",', headers: { 'content-type': 'application/json' } });
    await api.post(API, { raw: 'appType=web', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const bodies = (await control.get('/requests')).body.requests.map((r: any) => [r.status, r.body]);
    expect(bodies).toEqual([
      [400, '{"appType": "web",'],
      [415, 'appType=web'],
    ]);
  });

  it('cuts long bodies at 64 KiB and says so', async () => {
    const { api, control } = await controlMock(EMPTY);
    await api.post(API, { body: webClient({ description: 'x'.repeat(70_000) }) });
    const [entry] = (await control.get('/requests')).body.requests;
    expect(entry.status).toBe(400); // description is longer than the document allows
    expect(entry.bodyTruncated).toBe(true);
    expect(typeof entry.body).toBe('string');
    expect(entry.body.length).toBe(64 * 1024);
  });

  it('redacts the Authorization value everywhere', async () => {
    const { api, control } = await controlMock(EMPTY);
    await api.get(API, { token: 'super-secret-token-123' });
    await api.get(API, { headers: { authorization: 'Token super-secret-token-456' } });
    const reply = await control.get('/requests');
    expect(reply.text).not.toContain('super-secret-token');
    expect(reply.body.requests.map((r: any) => r.headers.authorization)).toEqual(['Bearer [REDACTED]', '[REDACTED]']);
  });

  it('filters by operationId, method, status, and keeps the last `limit`', async () => {
    const { api, control } = await controlMock(EMPTY);
    const { clientId } = (await api.post(API, { body: webClient() })).body;
    await api.get(`${API}/${clientId}`);
    await api.get(`${API}/missing`);
    await api.get(API);
    await api.get(API);
    const ids = async (query: string) => (await control.get(`/requests${query}`)).body.requests.map((r: any) => `${r.method} ${r.status}`);
    expect(await ids('?operationId=readOAuthClientQCC')).toEqual(['GET 200', 'GET 404']);
    expect(await ids('?method=post')).toEqual(['POST 201']);
    expect(await ids('?status=404')).toEqual(['GET 404']);
    expect(await ids('?method=GET&status=200')).toEqual(['GET 200', 'GET 200', 'GET 200']);
    expect((await control.get('/requests?operationId=readAllOAuthClientsQCC&limit=1')).body.requests).toHaveLength(1);
    expect(await ids('?limit=2')).toEqual(['GET 200', 'GET 200']);
  });

  it('answers 400 for an unknown or invalid filter', async () => {
    const { api, control } = await controlMock(EMPTY);
    expectError(await control.get('/requests?operationID=x'), 400, /Unknown filter "operationID"/);
    expectError(await control.get('/requests?status=ok'), 400, /status must be/);
    expectError(await control.get('/requests?limit=0'), 400, /limit must be/);
    expectError(await control.get('/requests?method=GET&method=POST'), 400, /once/);
    // A limit past what the journal can hold is no error: everything it holds.
    await api.get(API);
    const all = await control.get('/requests?limit=99999999999999999999');
    expect(all.status).toBe(200);
    expect(all.body.requests).toHaveLength(1);
  });

  it('DELETE /__mock/requests empties it', async () => {
    const { api, control } = await controlMock(EMPTY);
    await api.get(API);
    expect((await control.delete('/requests')).status).toBe(204);
    expect((await control.get('/requests')).body).toEqual({ requests: [] });
    await api.get(API);
    expect((await control.get('/requests')).body.requests).toHaveLength(1);
  });

  it('is bounded: only the last `journalLimit` requests are kept', async () => {
    const { api, control } = await controlMock({ ...EMPTY, journalLimit: 3 });
    for (let i = 0; i < 5; i++) await api.get(`${API}?limit=${i + 1}`);
    const { requests } = (await control.get('/requests')).body;
    expect(requests.map((r: any) => r.query.limit)).toEqual(['3', '4', '5']);
  });

  it('keeps the last 1,000 by default', async () => {
    const { app, control } = await controlMock(EMPTY);
    await Promise.all(Array.from({ length: 1005 }, (_, i) => app.request(`${API}?limit=${(i % 100) + 1}`, { headers: { authorization: 'Bearer x' } })));
    const { requests } = (await control.get('/requests')).body;
    expect(requests).toHaveLength(1000);
    expect(requests[999].id - requests[0].id).toBe(999);
  });

  it('never records the control API', async () => {
    const { api, control } = await controlMock(EMPTY);
    await control.get('/health');
    await control.post('/faults', { delayMs: 0 });
    await control.get('/nowhere');
    await api.get(API);
    const { requests } = (await control.get('/requests')).body;
    expect(requests.map((r: any) => r.path)).toEqual([API]);
  });
});
