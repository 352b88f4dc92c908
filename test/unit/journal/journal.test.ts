import { describe, expect, it } from 'vitest';
import { redactHeader, RequestJournal, type JournalRecord } from '../../../src/journal/journal.js';
import { RingBuffer } from '../../../src/journal/ring-buffer.js';

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

describe('RingBuffer', () => {
  it('keeps the last `capacity` items, oldest first', () => {
    const buffer = new RingBuffer<number>(3);
    expect(buffer.toArray()).toEqual([]);
    for (let i = 1; i <= 7; i++) buffer.push(i);
    expect(buffer.toArray()).toEqual([5, 6, 7]);
    expect(buffer.size).toBe(3);
    buffer.clear();
    expect(buffer.toArray()).toEqual([]);
    buffer.push(8);
    expect(buffer.toArray()).toEqual([8]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(1.5)).toThrow(RangeError);
  });
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
        headers: new Headers({ authorization: 'Bearer secret-token', 'x-test-id': 't1' }),
        body: { json: { appType: 'web' } },
        status: 201,
        fault: 'fault-1',
      }),
    );
    const [entry] = journal.list();
    expect(entry).toEqual({
      id: 1,
      time: '2025-01-02T03:04:05.006Z',
      method: 'POST',
      path: '/api/core/oauth-clients',
      query: { limit: '2', filter: ['a', 'b'] },
      operationId: 'readAllOAuthClientsQCC',
      headers: { authorization: 'Bearer [REDACTED]', 'x-test-id': 't1' },
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
});
