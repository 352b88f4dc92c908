import { describe, expect, it } from 'vitest';
import { API, collectPages, OTHER_TENANT } from '../support/api.js';
import { EMPTY, freshMock, webClient } from './helpers.js';

const ids = (page: { clientId: string }[]) => page.map((c) => c.clientId);

async function mockWith(names: string[]) {
  const mock = await freshMock(EMPTY);
  const created = [];
  for (const [i, clientName] of names.entries()) {
    const appType = ['web', 'spa', 'native', 'anonymous-embed'][i % 4];
    const body = appType === 'spa' ? { appType, clientName, allowedOrigins: ['https://a.example.com'] } : { appType, clientName };
    created.push((await mock.api.post(API, { body })).body);
  }
  return { ...mock, created };
}

describe('list', () => {
  it('pages the embedded default data: 20 by default, oldest first, absolute links', async () => {
    const { api } = await freshMock();
    const first = await api.get(`${API}`, { headers: { host: 'mock.test' } });
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(20);
    expect(first.body.totalResults).toBeUndefined();
    expect('totalResults' in first.body).toBe(false);
    const created = first.body.data.map((c: { createdAt: string }) => c.createdAt);
    expect([...created].sort()).toEqual(created);
    expect(first.body.links.self.href).toBe('http://mock.test/api/core/oauth-clients');
    expect(first.body.links.next.href).toMatch(/^http:\/\/mock\.test\/api\/core\/oauth-clients\?next=/);
    expect(first.body.links.prev).toBeUndefined();
  });

  it('counts with totalResults=true and keeps the parameters in every link', async () => {
    const { api } = await mockWith(Array.from({ length: 7 }, (_, i) => `App ${i}`));
    const first = await api.get(`${API}?limit=2&totalResults=true&sort=-clientName&filter=clientName sw "app"`);
    expect(first.body.totalResults).toBe(7);
    const next = new URL(first.body.links.next.href);
    expect(next.searchParams.get('limit')).toBe('2');
    expect(next.searchParams.get('totalResults')).toBe('true');
    expect(next.searchParams.get('sort')).toBe('-clientName');
    expect(next.searchParams.get('filter')).toBe('clientName sw "app"');
    const second = await api.get(first.body.links.next.href);
    expect(second.body.totalResults).toBe(7);
    expect(second.body.data.map((c: { clientName: string }) => c.clientName)).toEqual(['App 4', 'App 3']);
    expect(new URL(second.body.links.self.href).searchParams.get('next')).toBe(next.searchParams.get('next'));
    const back = await api.get(second.body.links.prev.href);
    expect(ids(back.body.data)).toEqual(ids(first.body.data));
    expect(back.body.links.prev).toBeUndefined();
  });

  it('honours X-Forwarded-Proto and X-Forwarded-Host, or a configured public base URL', async () => {
    const { api } = await freshMock();
    const reply = await api.get(API, { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'tenant.example.com' } });
    expect(reply.body.links.self.href).toBe('https://tenant.example.com/api/core/oauth-clients');
    expect(reply.body.links.next.href.startsWith('https://tenant.example.com/api/core/oauth-clients?next=')).toBe(true);
    const configured = await freshMock({ publicBaseUrl: 'https://mock.example.org/' });
    const r2 = await configured.api.get(API);
    expect(r2.body.links.self.href).toBe('https://mock.example.org/api/core/oauth-clients');
  });

  it('sorts by every key of the enum, both ways, ties broken by clientId', async () => {
    const { api } = await mockWith(['b', 'a', 'B', 'c', 'a', 'C']);
    for (const key of ['clientId', 'clientName', 'appType', 'createdAt', 'updatedAt']) {
      const asc = (await api.get(`${API}?sort=%2B${key}`)).body.data;
      const desc = (await api.get(`${API}?sort=-${key}`)).body.data;
      const value = (c: Record<string, string>) => (key === 'clientName' ? c[key].toLowerCase() : c[key]);
      const expected = [...asc].sort((x, y) => (value(x) < value(y) ? -1 : value(x) > value(y) ? 1 : x.clientId < y.clientId ? -1 : 1));
      expect(ids(asc), key).toEqual(ids(expected));
      expect(ids(desc), key).toEqual(ids(expected).reverse());
    }
  });

  it('reads an unencoded + in sort (decoded as a space) as ascending', async () => {
    const { api } = await mockWith(['b', 'a']);
    const reply = await api.get(`${API}?sort=+clientName`);
    expect(reply.status).toBe(200);
    expect(reply.body.data.map((c: { clientName: string }) => c.clientName)).toEqual(['a', 'b']);
  });

  it('filters with SCIM expressions, case-insensitively', async () => {
    const { api, created } = await mockWith(['Alpha Portal', 'beta app', 'Gamma PORTAL', 'delta', 'Epsilon']);
    const names = async (filter: string) =>
      (await api.get(`${API}?filter=${encodeURIComponent(filter)}`)).body.data.map((c: { clientName: string }) => c.clientName);
    expect(await names('clientName co "portal"')).toEqual(['Alpha Portal', 'Gamma PORTAL']);
    expect(await names('CLIENTNAME EQ "DELTA"')).toEqual(['delta']);
    expect(await names('appType eq "web" or appType eq "spa"')).toEqual(['Alpha Portal', 'beta app', 'Epsilon']);
    expect(await names('not (clientName sw "a") and appType ne "native"')).toEqual(['beta app', 'delta', 'Epsilon']);
    expect(await names(`clientId eq "${created[1].clientId.toUpperCase()}"`)).toEqual(['beta app']);
    expect(await names('clientName pr and clientName gt "d"')).toEqual(['Gamma PORTAL', 'delta', 'Epsilon']);
  });

  it('pages forward and back over every client exactly once', async () => {
    const { api, created } = await mockWith(Array.from({ length: 11 }, (_, i) => `Client ${String(i).padStart(2, '0')}`));
    const pages = await collectPages(api, `${API}?limit=3`);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 3, 2]);
    expect(pages.flat().map((c) => c.clientId)).toEqual(ids(created));
    let reply = await api.get(`${API}?limit=3&sort=-createdAt`);
    const backwards: string[] = [];
    let last = reply;
    while (reply.body.links.next) [last, reply] = [reply, await api.get(reply.body.links.next.href)];
    let page = reply;
    for (;;) {
      backwards.unshift(...ids(page.body.data));
      if (!page.body.links.prev) break;
      page = await api.get(page.body.links.prev.href);
    }
    void last;
    expect(backwards).toEqual(ids(created).reverse());
  });

  it('keeps cursors correct while clients are created and deleted between pages', async () => {
    const { api, created } = await mockWith(Array.from({ length: 9 }, (_, i) => `C${i}`));
    const first = await api.get(`${API}?limit=3`);
    const victim = created[1];
    await api.delete(`${API}/${victim.clientId}`, { headers: { 'qlik-confirm-delete': victim.clientId } });
    await api.delete(`${API}/${created[3].clientId}`, { headers: { 'qlik-confirm-delete': created[3].clientId } });
    const extra = (await api.post(API, { body: webClient({ clientName: 'late' }) })).body;
    const rest = await collectPages(api, first.body.links.next.href);
    const seen = [...ids(first.body.data), ...rest.flat().map((c) => c.clientId)];
    const survivors = ids(created).filter((id) => id !== victim.clientId && id !== created[3].clientId);
    for (const id of survivors) expect(seen.filter((s) => s === id)).toHaveLength(1);
    expect(seen).toContain(extra.clientId);
  });

  it.each([
    ['limit=0'],
    ['limit=101'],
    ['limit=abc'],
    ['limit=2.5'],
    ['limit='],
    ['limit=1&limit=2'],
    ['sort=name'],
    ['sort=clientName'],
    ['sort=%2BclientSecret'],
    ['totalResults=yes'],
    ['filter=name eq "x"'],
    ['filter=clientName eq'],
    ['filter=clientName xx "a"'],
    ['filter=(clientName eq "a"'],
    ['next=garbage'],
    ['prev=garbage'],
  ])('answers 400 for %s', async (query) => {
    const { api } = await freshMock();
    const reply = await api.get(`${API}?${query}`);
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0].code).toBe('HTTP-400');
  });

  it('refuses a cursor from another query, another tenant, or a forged one', async () => {
    const { api } = await freshMock();
    const first = await api.get(`${API}?limit=5&sort=-createdAt`);
    const cursor = new URL(first.body.links.next.href).searchParams.get('next')!;
    expect((await api.get(`${API}?limit=5&sort=-createdAt&next=${cursor}`)).status).toBe(200);
    expect((await api.get(`${API}?limit=7&sort=-createdAt&next=${cursor}`)).status).toBe(200);
    expect((await api.get(`${API}?limit=5&sort=%2BclientName&next=${cursor}`)).status).toBe(400);
    expect((await api.get(`${API}?limit=5&sort=-createdAt&filter=appType eq "web"&next=${cursor}`)).status).toBe(400);
    expect((await api.get(`${API}?limit=5&sort=-createdAt&prev=${cursor}`)).status).toBe(400);
    expect((await api.get(`${API}?limit=5&sort=-createdAt&next=${cursor}`, { token: OTHER_TENANT })).status).toBe(400);
    const forged = cursor.slice(0, -2) + (cursor.endsWith('AA') ? 'BB' : 'AA');
    expect((await api.get(`${API}?limit=5&sort=-createdAt&next=${forged}`)).status).toBe(400);
  });

  it('serves the same resource at /api/v1/oauth-clients, with links on that path', async () => {
    const { api } = await freshMock();
    const reply = await api.get('/api/v1/oauth-clients?limit=1');
    expect(reply.status).toBe(200);
    expect(new URL(reply.body.links.next.href).pathname).toBe('/api/v1/oauth-clients');
  });
});
