import { describe, expect, it } from 'vitest';
import { systemEntropy } from '../../src/domain/ids.js';
import { API } from '../support/api.js';
import { controlMock, expectError } from './control-helpers.js';
import { EMPTY, webClient } from './helpers.js';

/** A mock whose clock stands still unless the test moves it. */
async function limitedMock(rateLimits: boolean) {
  let now = Date.UTC(2025, 5, 1, 12, 0, 0);
  const mock = await controlMock({ ...EMPTY, rateLimits, entropy: { hex: systemEntropy.hex, now: () => now } });
  return { ...mock, advance: (ms: number) => (now += ms) };
}

describe('rate limits (--rate-limits)', () => {
  it("enforce each operation's x-qlik-tier per identity: tier 2 allows 100 writes a minute", async () => {
    const { api, control, advance } = await limitedMock(true);
    for (let i = 0; i < 100; i++) expect((await api.post(API, { body: webClient({ clientName: `c${i}` }) })).status).toBe(201);
    advance(15_000);
    const limited = await api.post(API, { body: webClient() });
    expectError(limited, 429);
    expect(limited.body.errors[0]).toMatchObject({ code: 'HTTP-429', title: 'API rate limit reached.', detail: 'You need to wait 45 seconds until limit is lifted.' });
    expect(limited.headers['retry-after']).toBe('45');
    expect(Object.keys(limited.headers).filter((h) => h.startsWith('x-ratelimit'))).toEqual([]);
    // Tier 1 has its own window; another identity has its own; the control API has none.
    expect((await api.get(API)).status).toBe(200);
    expect((await api.post(API, { body: webClient(), token: 'other-tenant-admin-token' })).status).toBe(201);
    expect((await control.get('/health')).status).toBe(200);
    // Refused requests are journaled as such.
    expect((await control.get('/requests?status=429')).body.requests).toEqual([expect.objectContaining({ fault: 'rate-limit', operationId: 'createOAuthClientQCC' })]);
    // The window closes 60 s after its first request.
    advance(45_000);
    expect((await api.post(API, { body: webClient() })).status).toBe(201);
  });

  it('all tokens that resolve to one identity share its window; tier 1 allows 1000', async () => {
    const { app, api } = await limitedMock(true);
    const read = (token: string) => app.request(API, { headers: { authorization: `Bearer ${token}` } });
    const replies = await Promise.all(Array.from({ length: 1000 }, (_, i) => read(`token-${i}`)));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect((await read('owner-token')).status).toBe(429);
    expect((await api.get(API, { token: 'other-tenant-admin-token' })).status).toBe(200);
  });

  it('leave requests without a token to authentication (401)', async () => {
    const { api } = await limitedMock(true);
    for (let i = 0; i < 101; i++) await api.post(API, { body: webClient() });
    expectError(await api.post(API, { body: webClient(), token: null }), 401);
  });

  it('are off by default', async () => {
    const { api } = await limitedMock(false);
    for (let i = 0; i < 101; i++) expect((await api.post(API, { body: webClient() })).status).toBe(201);
  });

  it('reset starts the windows afresh', async () => {
    const { api, control } = await limitedMock(true);
    for (let i = 0; i < 100; i++) await api.post(API, { body: webClient() });
    expect((await api.post(API, { body: webClient() })).status).toBe(429);
    await control.post('/reset');
    expect((await api.post(API, { body: webClient() })).status).toBe(201);
  });
});
