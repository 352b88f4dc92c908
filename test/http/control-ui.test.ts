/**
 * The control routes the dashboard (GET /__mock/ui) needs, through app.request: one journal
 * entry, the stored clients of every tenant, the change feed, and the page's own files.
 */
import { describe, expect, it } from 'vitest';
import { API } from '../support/api.js';
import { controlMock, expectError } from './control-helpers.js';
import { webClient } from './helpers.js';

const in_ = (session: string) => ({ 'x-mock-session': session });

describe('GET /__mock/requests/{id}', () => {
  it('gives one entry, naming its session and the detail of the error answered', async () => {
    const { api, control } = await controlMock();
    await api.get(`${API}/nope`);
    await api.post(API, { body: webClient({ clientName: 'One' }), headers: in_('w') });
    const [missing] = (await control.get('/requests')).body.requests;
    const entry = await control.get(`/requests/${missing.id}`);
    expect(entry.status).toBe(200);
    expect(entry.body).toEqual(missing);
    expect(entry.body).toMatchObject({ session: 'default', status: 404, error: 'OAuth client "nope" was not found.' });
    const [created] = (await control.get('/requests', in_('w'))).body.requests;
    expect(created).toMatchObject({ session: 'w', status: 201, body: { clientName: 'One' } });
    expect(created).not.toHaveProperty('error');
  });

  it('journals the detail of an injected error', async () => {
    const { api, control } = await controlMock();
    await control.post('/faults', { status: 503, operationId: 'readAllOAuthClientsQCC', times: 1 });
    await api.get(API);
    const [entry] = (await control.get('/requests')).body.requests;
    expect(entry).toMatchObject({ status: 503, fault: 'fault-1', error: 'The service is temporarily unavailable; try again later.' });
  });

  it('is a 404 for an id the journal does not hold, in the error shape', async () => {
    const { api, control } = await controlMock();
    await api.get(API);
    expectError(await control.get('/requests/2'), 404, /no request with the id "2"/);
    expectError(await control.get('/requests/abc'), 404, /"abc"/);
    expectError(await control.get('/requests/0'), 404);
    expectError(await control.get('/requests/1', in_('other')), 404);
    await control.delete('/requests');
    expectError(await control.get('/requests/1'), 404);
  });
});
