import { describe, expect, it } from 'vitest';
import { API } from '../support/api.js';
import { EMPTY, freshMock, spaClient, webClient } from './helpers.js';

async function withClient(body: Record<string, unknown> = webClient()) {
  const mock = await freshMock(EMPTY);
  const created = (await mock.api.post(API, { body })).body;
  return { ...mock, created, url: `${API}/${created.clientId}` };
}

describe('patch', () => {
  it('applies add, replace and remove, changes updatedAt and answers 204', async () => {
    const { api, created, url } = await withClient(webClient({ description: 'old' }));
    const reply = await api.patch(url, {
      body: [
        { op: 'replace', path: '/clientName', value: 'New name' },
        { op: 'remove', path: '/description' },
        { op: 'add', path: '/allowedScopes', value: ['user_default'] },
      ],
    });
    expect(reply.status).toBe(204);
    expect(reply.text).toBe('');
    const read = (await api.get(url)).body;
    expect(read.clientName).toBe('New name');
    expect(read.description).toBeUndefined();
    expect(read.allowedScopes).toEqual(['user_default']);
    expect(read.updatedAt > created.updatedAt).toBe(true);
    expect(read.createdAt).toBe(created.createdAt);
  });

  it('is lenient: replace sets an absent member, remove of an absent one changes nothing', async () => {
    const { api, url } = await withClient();
    expect((await api.patch(url, { body: [{ op: 'replace', path: '/description', value: 'set' }] })).status).toBe(204);
    expect((await api.get(url)).body.description).toBe('set');
    expect((await api.patch(url, { body: [{ op: 'remove', path: '/description' }, { op: 'remove', path: '/description' }] })).status).toBe(204);
    expect((await api.get(url)).body.description).toBeUndefined();
  });

  const bad: [string, unknown][] = [
    ['an object body', { op: 'replace', path: '/clientName', value: 'x' }],
    ['an unknown path', [{ op: 'replace', path: '/appType', value: 'spa' }]],
    ['an unknown op', [{ op: 'move', path: '/clientName', from: '/description' }]],
    ['a number value', [{ op: 'replace', path: '/clientName', value: 5 }]],
    ['an array value for clientName', [{ op: 'replace', path: '/clientName', value: ['a'] }]],
    ['a string value for allowedScopes', [{ op: 'replace', path: '/allowedScopes', value: 'a' }]],
    ['removing clientName', [{ op: 'remove', path: '/clientName' }]],
    ['replace without a value', [{ op: 'replace', path: '/description' }]],
    ['an empty clientName', [{ op: 'replace', path: '/clientName', value: '' }]],
    ['a string body', 'replace'],
  ];
  it.each(bad)('answers 400 for %s and applies nothing of the array', async (_name, body) => {
    const { api, created, url } = await withClient(webClient({ description: 'keep' }));
    const ops = Array.isArray(body) ? [{ op: 'replace', path: '/description', value: 'changed' }, ...body] : body;
    const reply = await api.patch(url, { body: ops });
    expect(reply.status).toBe(400);
    const read = (await api.get(url)).body;
    expect(read.description).toBe('keep');
    expect(read.clientName).toBe(created.clientName);
    expect(read.updatedAt).toBe(created.updatedAt);
  });

  it('answers 404 for an unknown id', async () => {
    const { api } = await withClient();
    expect((await api.patch(`${API}/ffffffffffffffffffffffffffffffff`, { body: [] })).status).toBe(404);
  });
});

describe('delete', () => {
  it('needs qlik-confirm-delete equal to the id', async () => {
    const { api, created, url } = await withClient();
    expect((await api.delete(url)).status).toBe(400);
    expect((await api.delete(url, { headers: { 'qlik-confirm-delete': 'something-else' } })).status).toBe(400);
    const empty = await api.delete(url, { headers: { 'qlik-confirm-delete': '' } });
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0].detail).toMatch(/is required/);
    expect((await api.get(url)).status).toBe(200);
    const reply = await api.delete(url, { headers: { 'qlik-confirm-delete': created.clientId } });
    expect(reply.status).toBe(204);
    expect((await api.get(url)).status).toBe(404);
    expect((await api.patch(url, { body: [] })).status).toBe(404);
    expect((await api.delete(url, { headers: { 'qlik-confirm-delete': created.clientId } })).status).toBe(404);
    expect((await api.post(`${url}/client-secrets`)).status).toBe(404);
    expect((await api.delete(`${url}/client-secrets/${created.clientSecret.slice(-5)}`)).status).toBe(404);
  });
});

describe('client secrets', () => {
  it('creates secrets up to five, then answers 409; deleting one makes room again', async () => {
    const { api, created, url } = await withClient();
    const secrets = [];
    for (let i = 0; i < 4; i++) {
      const reply = await api.post(`${url}/client-secrets`);
      expect(reply.status).toBe(201);
      expect(reply.body).toMatchObject({ clientId: created.clientId, createdBy: created.ownerId });
      expect(reply.body.clientSecret).toMatch(/^[0-9a-f]{64}$/);
      expect(reply.body.hint).toBe(reply.body.clientSecret.slice(-5));
      secrets.push(reply.body);
    }
    const sixth = await api.post(`${url}/client-secrets`);
    expect(sixth.status).toBe(409);
    expect(sixth.body.errors[0].code).toBe('HTTP-409');
    const hints = (await api.get(url)).body.clientSecrets.map((s: { hint: string }) => s.hint);
    expect(hints).toHaveLength(5);
    expect(new Set(hints).size).toBe(5);
    expect((await api.delete(`${url}/client-secrets/${secrets[0].hint}`)).status).toBe(204);
    expect((await api.delete(`${url}/client-secrets/${secrets[0].hint}`)).status).toBe(404);
    expect((await api.post(`${url}/client-secrets`)).status).toBe(201);
  });

  it('lets exactly the right number of racing requests succeed', async () => {
    const { api, url } = await withClient();
    const replies = await Promise.all(Array.from({ length: 20 }, () => api.post(`${url}/client-secrets`)));
    expect(replies.filter((r) => r.status === 201)).toHaveLength(4);
    expect(replies.filter((r) => r.status === 409)).toHaveLength(16);
  });

  it('needs no content type, and ignores a body', async () => {
    const { api, url } = await withClient();
    expect((await api.post(`${url}/client-secrets`, { raw: 'whatever', headers: { 'content-type': 'text/plain' } })).status).toBe(201);
  });

  it('answers 400 for clients that cannot hold secrets', async () => {
    const { api, url } = await withClient(spaClient());
    const reply = await api.post(`${url}/client-secrets`);
    expect(reply.status).toBe(400);
  });

  it('answers 404 for an unknown hint', async () => {
    const { api, url } = await withClient();
    expect((await api.delete(`${url}/client-secrets/zzzz`)).status).toBe(404);
  });
});
