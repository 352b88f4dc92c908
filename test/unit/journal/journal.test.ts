import { describe, expect, it } from 'vitest';
import { RequestJournal, type JournalRecord } from '../../../src/journal/journal.js';
import { decodeRecord, encodeHead } from '../../../src/journal/record-codec.js';
import { redactHeader } from '../../../src/journal/redaction.js';

const record = (over: Partial<JournalRecord> = {}): JournalRecord => ({
  at: Date.UTC(2025, 0, 2, 3, 4, 5, 6),
  method: 'GET',
  path: '/api/core/oauth-clients',
  search: '',
  operationId: 'readAllOAuthClientsQCC',
  headers: [],
  status: 200,
  durationMs: 1.5,
  ...over,
});

describe('redactHeader', () => {
  it('redacts credentials, keeping the scheme', () => {
    expect(redactHeader('authorization', 'Bearer abc.def')).toBe('Bearer [REDACTED]');
    expect(redactHeader('authorization', 'bearer abc')).toBe('bearer [REDACTED]');
    expect(redactHeader('authorization', 'Basic dXNlcjpwYXNz')).toBe('Basic [REDACTED]');
    expect(redactHeader('authorization', 'abc')).toBe('[REDACTED]');
    expect(redactHeader('cookie', 'session=1')).toBe('[REDACTED]');
    expect(redactHeader('qlik-confirm-delete', 'abc')).toBe('abc');
  });
});

describe('RequestJournal', () => {
  it('formats entries: id, ISO time, parsed query, redacted headers, body', () => {
    const journal = new RequestJournal();
    journal.record(
      record({
        method: 'POST',
        search: 'limit=2&filter=a&filter=b',
        headers: ['Authorization', 'Bearer secret-token', 'X-Test-Id', 't1', 'x-test-id', 't2', ':authority', 'h2.example'],
        body: { json: { appType: 'web' } },
        status: 201,
        fault: 'fault-1',
      }),
    );
    const [entry] = journal.list();
    expect(entry).toEqual({
      id: 1,
      time: '2025-01-02T03:04:05.006Z',
      session: 'default',
      method: 'POST',
      path: '/api/core/oauth-clients',
      query: { limit: '2', filter: ['a', 'b'] },
      operationId: 'readAllOAuthClientsQCC',
      headers: { authorization: 'Bearer [REDACTED]', 'x-test-id': 't1, t2' },
      body: { appType: 'web' },
      status: 201,
      durationMs: 1.5,
      fault: 'fault-1',
    });
    expect(JSON.stringify(entry)).not.toContain('secret-token');
  });

  it('marks truncated text bodies and gives null for an unresolved operation', () => {
    const journal = new RequestJournal();
    journal.record(record({ operationId: undefined, body: { text: 'abc', truncated: true } }));
    expect(journal.list()[0]).toMatchObject({ operationId: null, body: 'abc', bodyTruncated: true });
  });

  it('is bounded, newest last, with ids that keep counting', () => {
    const journal = new RequestJournal(2);
    for (let i = 0; i < 5; i++) journal.record(record({ path: `/p${i}` }));
    expect(journal.list().map((e) => [e.id, e.path])).toEqual([
      [4, '/p3'],
      [5, '/p4'],
    ]);
  });

  it('filters by operationId, method (any case), status, and keeps the last `limit`', () => {
    const journal = new RequestJournal();
    journal.record(record({ status: 200 }));
    journal.record(record({ method: 'POST', operationId: 'createOAuthClientQCC', status: 503 }));
    journal.record(record({ status: 503 }));
    journal.record(record({ status: 200 }));
    expect(journal.list({ operationId: 'createOAuthClientQCC' }).map((e) => e.id)).toEqual([2]);
    expect(journal.list({ method: 'post' }).map((e) => e.id)).toEqual([2]);
    expect(journal.list({ status: 503 }).map((e) => e.id)).toEqual([2, 3]);
    expect(journal.list({ status: 503, method: 'GET' }).map((e) => e.id)).toEqual([3]);
    expect(journal.list({ limit: 2 }).map((e) => e.id)).toEqual([3, 4]);
    journal.clear();
    expect(journal.list()).toEqual([]);
  });

  it('lists a request whose body is still arriving at its place, and adds the body once it has', async () => {
    const journal = new RequestJournal();
    let arrive!: (body: { json: unknown }) => void;
    journal.record(record({ method: 'POST', status: 201 }), new Promise((done) => (arrive = done)));
    journal.record(record({ path: '/after' }));
    expect(journal.list().map((e) => [e.id, e.method, e.body])).toEqual([
      [1, 'POST', undefined],
      [2, 'GET', undefined],
    ]);
    arrive({ json: { clientName: 'late' } });
    await Promise.resolve();
    expect(journal.list().map((e) => [e.id, e.body])).toEqual([
      [1, { clientName: 'late' }],
      [2, undefined],
    ]);
  });

  it('drops a body that arrives after the journal was cleared', async () => {
    const journal = new RequestJournal();
    let arrive!: (body: { text: string }) => void;
    journal.record(record({ method: 'POST' }), new Promise((done) => (arrive = done)));
    journal.clear();
    arrive({ text: 'late' });
    await Promise.resolve();
    expect(journal.list()).toEqual([]);
  });

  it('finds one entry by id, pending or kept, and names its session and error detail', async () => {
    const journal = new RequestJournal(2, undefined, 'worker-1');
    let arrive!: (body: { json: unknown }) => void;
    journal.record(record({ status: 404, error: { detail: 'OAuth client "x" was not found.', traceId: 'a'.repeat(32) } }));
    journal.record(record({ method: 'POST', status: 201 }), new Promise((done) => (arrive = done)));
    expect(journal.get(1)).toMatchObject({ id: 1, session: 'worker-1', status: 404, error: { detail: 'OAuth client "x" was not found.', traceId: 'a'.repeat(32) } });
    expect(journal.get(2)).toMatchObject({ id: 2, method: 'POST' });
    arrive({ json: { clientName: 'late' } });
    await Promise.resolve();
    expect(journal.get(2)).toMatchObject({ id: 2, body: { clientName: 'late' } });
    journal.record(record({ path: '/third' }));
    expect(journal.get(1)).toBeUndefined(); // dropped: the journal keeps two
    expect(journal.get(3)).toMatchObject({ path: '/third' });
    expect(journal.get(4)).toBeUndefined();
  });

  it('keeps fewer records than the limit when they exceed its byte budget', () => {
    const journal = new RequestJournal(100, 64 * 1024);
    const text = 'x'.repeat(10_000); // 30,000 bytes reserved per record
    for (let i = 0; i < 5; i++) journal.record(record({ method: 'POST', body: { text } }));
    const kept = journal.list();
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(5);
    expect(kept.at(-1)).toMatchObject({ id: 5, body: text });
  });

  it('listJson is JSON.stringify({ requests: list(filter) }) in UTF-8, for every filter', async () => {
    const journal = new RequestJournal(3);
    let arrive!: (body: { json: unknown }) => void;
    journal.record(record({ status: 200, headers: ['X-Name', 'caf\u00e9 \u{1f680}', '__proto__', 'x'] }));
    journal.record(record({ method: 'POST', operationId: 'createOAuthClientQCC', status: 503, body: { json: { name: '\u{1f680}\u0000' } } }));
    journal.record(record({ method: 'POST', status: 201 }), new Promise((done) => (arrive = done)));
    journal.record(record({ status: 503, search: 'a=1&a=2' }));
    journal.record(record({ status: 200, body: { text: 'x'.repeat(1000), truncated: true } }));
    const filters = [{}, { operationId: 'createOAuthClientQCC' }, { method: 'post' }, { status: 503 }, { status: 503, method: 'GET' }, { limit: 2 }, { status: 404 }];
    const check = () => {
      for (const filter of filters) expect(journal.listJson(filter).toString('utf8')).toBe(JSON.stringify({ requests: journal.list(filter) }));
    };
    check();
    arrive({ json: { late: true } });
    await Promise.resolve();
    check();
    journal.clear();
    expect(journal.listJson().toString()).toBe('{"requests":[]}');
  });

  it('listJson gives every read the same buffer until the journal changes', async () => {
    const journal = new RequestJournal();
    journal.record(record());
    const first = journal.listJson();
    expect(journal.listJson()).toBe(first);
    expect(journal.listJson({ status: 200 })).not.toBe(first);
    const filtered = journal.listJson({ status: 200 });
    expect(journal.listJson({ status: 200 })).toBe(filtered);
    journal.record(record({ path: '/next' }));
    const second = journal.listJson({ status: 200 });
    expect(second).not.toBe(filtered);
    expect(JSON.parse(second.toString()).requests).toHaveLength(2);
    // A body that arrives changes what a read returns.
    let arrive!: (body: { json: unknown }) => void;
    journal.record(record({ method: 'POST' }), new Promise((done) => (arrive = done)));
    const before = journal.listJson();
    arrive({ json: { late: true } });
    await Promise.resolve();
    expect(journal.listJson()).not.toBe(before);
    expect(JSON.parse(journal.listJson().toString()).requests[2].body).toEqual({ late: true });
    journal.clear();
    expect(journal.listJson().toString()).toBe('{"requests":[]}');
  });

  it('listJson of a full journal is about the size of its records: one buffer, no per-read copies', () => {
    const journal = new RequestJournal(1000, 1024 * 1024);
    for (let i = 0; i < 100; i++) journal.record(record({ method: 'POST', body: { json: { description: 'd'.repeat(30_000) } } }));
    const bytes = journal.listJson();
    const kept = JSON.parse(bytes.toString()).requests.length;
    expect(kept).toBeGreaterThan(0);
    expect(bytes.length).toBeLessThan(kept * 31_000);
    expect(bytes.buffer.byteLength).toBeLessThan(bytes.length * 2); // grown at most once
  });

  it('gives the head of its newest record, stored at once, for a log line: the fields before the headers, never a header', async () => {
    const journal = new RequestJournal(2);
    const r = record({ path: '/api/v1/oauth-clients/é', search: 'limit=5', fault: 'slow', status: 503, error: { detail: 'Unavailable.', traceId: 't1' }, headers: ['authorization', 'Bearer secret-token'] });
    const id = journal.record(r);
    const bytes = journal.headBytes(id);
    expect(bytes).toBe(Buffer.byteLength(encodeHead(id, r)));
    const head = Buffer.alloc(bytes);
    expect(journal.copyHead(head, 0)).toBe(bytes);
    expect(head.toString()).not.toContain('secret-token');
    expect(decodeRecord(head.toString(), false)).toEqual({ ...r, id, headers: [] });

    // Only while it is the newest, and only for a record stored at once.
    const next = journal.record(record());
    expect(journal.headBytes(id)).toBe(-1);
    expect(journal.headBytes(next)).toBeGreaterThan(0);
    let arrive!: (body: { text: string }) => void;
    const withBody = journal.record(record({ method: 'POST' }), new Promise((done) => (arrive = done)));
    expect(journal.headBytes(withBody)).toBe(-1);
    arrive({ text: 'x' });
    await new Promise((r) => setTimeout(r, 0));
    expect(journal.headBytes(next)).toBe(-1);
    expect(journal.headBytes(withBody)).toBe(-1);
    const last = journal.record(record());
    journal.clear();
    expect(journal.headBytes(last)).toBe(-1);
  });
});
