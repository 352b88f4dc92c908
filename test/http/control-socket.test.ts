import { afterEach, describe, expect, it } from 'vitest';
import { startMock, type RunningMock } from '../../src/index.js';
import { API } from '../support/api.js';

// Faults that need a real socket: a connection reset, and what a client sees over the wire.
let mock: RunningMock | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

const auth = { authorization: 'Bearer owner-token' };
const addRule = async (rule: unknown) => {
  const response = await fetch(`${mock!.url}/__mock/faults`, { method: 'POST', body: JSON.stringify(rule) });
  expect(response.status).toBe(201);
  return response.json();
};

describe('faults over a real socket', () => {
  it('connection "reset" drops the connection without an answer; the server keeps serving', async () => {
    mock = await startMock();
    const rule = await addRule({ connection: 'reset', operationId: 'readAllOAuthClientsQCC', times: 1 });
    const error = await fetch(`${mock.url}${API}`, { headers: auth }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(String((error as { cause?: { code?: string } }).cause?.code)).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    const next = await fetch(`${mock.url}${API}`, { headers: auth });
    expect(next.status).toBe(200);
    const journal = await (await fetch(`${mock.url}/__mock/requests`)).json();
    expect(journal.requests.map((r: any) => [r.status, r.fault ?? null])).toEqual([
      [0, rule.id],
      [200, null],
    ]);
  });

  it('logs a reset connection with status 0 and the rule that dropped it', async () => {
    const lines: string[] = [];
    mock = await startMock({ logLevel: 'info', logSink: (line) => lines.push(line) });
    const rule = await addRule({ connection: 'reset', operationId: 'readAllOAuthClientsQCC', times: 1 });
    await fetch(`${mock.url}${API}`, { headers: auth }).catch(() => undefined);
    const entry = lines.map((l) => JSON.parse(l)).find((e) => e.operationId === 'readAllOAuthClientsQCC');
    expect(entry).toMatchObject({ status: 0, fault: rule.id });
  });

  it('malformed JSON arrives as a JSON response that does not parse', async () => {
    mock = await startMock();
    await addRule({ connection: 'malformed-json' });
    const response = await fetch(`${mock.url}${API}`, { headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    await expect(response.json()).rejects.toThrow(SyntaxError);
  });

  it('`times` is exact under concurrent connections', async () => {
    mock = await startMock();
    await addRule({ status: 503, times: 9, operationId: 'readAllOAuthClientsQCC' });
    const statuses = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const response = await fetch(`${mock!.url}${API}?limit=1`, { headers: auth });
        await response.arrayBuffer();
        return response.status;
      }),
    );
    expect(statuses.filter((s) => s === 503)).toHaveLength(9);
    expect(statuses.filter((s) => s === 200)).toHaveLength(41);
  });

  it('Prefer: code and delay work over the wire, and the control API ignores them', async () => {
    mock = await startMock();
    const started = performance.now();
    const response = await fetch(`${mock.url}${API}`, { headers: { ...auth, prefer: 'code=503, delay=80' } });
    expect(response.status).toBe(503);
    expect(performance.now() - started).toBeGreaterThanOrEqual(70);
    expect((await response.json()).errors[0].code).toBe('HTTP-503');
    expect((await fetch(`${mock.url}/__mock/health`, { headers: { prefer: 'code=503' } })).status).toBe(200);
  });
});

describe('the journal never holds an answer back', () => {
  it('answers a request whose body stalls part-way (401 needs no body), and journals full bodies of faulted requests', async () => {
    const { connect } = await import('node:net');
    mock = await startMock();
    await mock.control.addFault({ status: 503, operationId: 'createOAuthClientQCC', times: 1 });
    const faulted = await fetch(`${mock.url}${API}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ appType: 'web', clientName: 'journaled' }),
    });
    expect(faulted.status).toBe(503);
    const [entry] = await mock.control.requests({ operationId: 'createOAuthClientQCC' });
    expect(entry.body).toEqual({ appType: 'web', clientName: 'journaled' });

    const statusLine = await new Promise<string>((resolve, reject) => {
      const socket = connect(mock!.port, '127.0.0.1', () =>
        socket.write(`POST ${API} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"app`),
      );
      let out = '';
      socket.on('data', (chunk) => {
        out += chunk;
        if (out.includes('\r\n\r\n')) {
          resolve(out.split('\r\n')[0]);
          socket.destroy();
        }
      });
      socket.on('error', reject);
    });
    expect(statusLine).toBe('HTTP/1.1 401 Unauthorized');
  });
});
