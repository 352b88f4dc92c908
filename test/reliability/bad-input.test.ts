/**
 * Bad input, table-driven (bad-input-cases.ts): each case gets its status, in the API's error
 * shape for a 4xx (judged by Prism where the document describes it), a refused request changes
 * no data, nothing pollutes Object.prototype, and the server still serves afterwards.
 * Cases that need a real socket (413 before the body is read, Node's 431) run over one.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, startMock, type RunningMock } from '../../src/index.js';
import { judge, loadOracle } from '../support/oracle.js';
import { HEALTH, RawConnection } from '../support/raw-http.js';
import { APP_CASES, FIXTURE_ID, SOCKET_CASES, type AppCase } from './bad-input-cases.js';

const BASE = 'http://mock.test';
const API = '/api/core/oauth-clients';
const OWNER = { authorization: 'Bearer owner-token' };
const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

function expectNoPollution(): void {
  expect(({} as Record<string, unknown>).polluted, 'Object.prototype polluted').toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS);
  expect(Object.getPrototypeOf({})).toBe(Object.prototype);
}

function expectErrorShape(status: number, headers: Headers, text: string): void {
  expect(headers.get('content-type')).toMatch(/^application\/json/);
  const body = JSON.parse(text) as { errors: { code: string; title: string; detail: string; status: string }[]; traceId: string };
  expect(body.errors).toHaveLength(1);
  expect(body.errors[0]).toEqual({ code: `HTTP-${status}`, title: expect.any(String), detail: expect.any(String), status: String(status) });
  expect(body.errors[0].detail.length).toBeGreaterThan(0);
  expect(body.traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack trace
}

beforeAll(loadOracle);

describe('bad input, in process', () => {
  it.each(APP_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c: AppCase) => {
    const app = createApp();
    const state = async () => (await app.request(`${BASE}/__mock/state`)).text();
    const before = await state();
    const fixtureBefore = await (await app.request(`${BASE}${API}/${FIXTURE_ID}`, { headers: OWNER })).text();

    const headers: Record<string, string> = { ...(c.token === null ? {} : { authorization: `Bearer ${c.token ?? 'owner-token'}` }), ...c.headers };
    const response = await app.request(`${BASE}${c.path}`, { method: c.method, headers, body: c.body as BodyInit | undefined });
    const text = await response.text();
    expect(response.status, text.slice(0, 300)).toBe(c.expectStatus);
    if (c.path.startsWith('/api/')) {
      const body = text ? (JSON.parse(text) as unknown) : undefined;
      const pathname = new URL(`${BASE}${c.path}`).pathname;
      expect(judge({ method: c.method, path: pathname, status: response.status, headers: Object.fromEntries(response.headers), body }), 'Prism / error shape').toEqual([]);
    }
    if (response.status >= 400) {
      expectErrorShape(response.status, response.headers, text);
      expect(await state(), 'a refused request changes nothing').toBe(before);
    }
    expectNoPollution();
    expect(await state(), 'stored data never holds a polluting key').not.toMatch(/polluted|"__proto__"|"constructor"/);

    // Still serving, data intact: the fixture client reads as before unless this case changed it.
    const list = await app.request(`${BASE}${API}?limit=100`, { headers: OWNER });
    expect(list.status).toBe(200);
    const changedFixture = response.status < 300 && c.path.startsWith(`${API}/${FIXTURE_ID}`) && c.method !== 'GET';
    if (!changedFixture && !c.path.startsWith('/__mock/provider-states')) {
      expect(await (await app.request(`${BASE}${API}/${FIXTURE_ID}`, { headers: OWNER })).text()).toBe(fixtureBefore);
    }
    const journal = await app.request(`${BASE}/__mock/requests`);
    expect(journal.status, 'the journal still reads').toBe(200);
    expect((await app.request(`${BASE}/__mock/faults`)).status).toBe(200);
  });
});

describe('Unicode and control characters round-trip byte for byte', () => {
  const names = [
    '🚀 Rocket 👩‍👩‍👧 family',
    'שלום עולם — مرحبا بالعالم',
    'e\u0301 vs é, a\u030A vs å, Z\u0351\u0362\u0336',
    '\u202Eright-to-left override\u202C and \u200F marks \u200E',
    '𝕏 𝔸 ﷽ 〄 𓀀',
    'nul \u0000 bell \u0007 esc \u001b del \u007f',
    'tab\tnew\nline\rcarriage',
    'lone \ud83d high surrogate',
  ];
  it.each(names)('%j: create → get → list → patch → state', async (name) => {
    const app = createApp({ data: { version: 1, clients: [] } });
    const json = { 'content-type': 'application/json', ...OWNER };
    const description = `${name} / ${[...name].reverse().join('')}`;
    const created = await app.request(`${BASE}${API}`, { method: 'POST', headers: json, body: JSON.stringify({ appType: 'native', clientName: name, description }) });
    expect(created.status).toBe(201);
    const createdText = await created.text();
    // The answer carries the very JSON encoding of the value (UTF-8 as is, control characters escaped).
    expect(createdText).toContain(JSON.stringify(name));
    const { clientId } = JSON.parse(createdText) as { clientId: string };

    const read = (await (await app.request(`${BASE}${API}/${clientId}`, { headers: OWNER })).json()) as { clientName: string; description: string };
    expect(read.clientName).toBe(name);
    expect(read.description).toBe(description);
    expect(Buffer.from(read.clientName).equals(Buffer.from(name)), 'byte for byte').toBe(true);

    const eq = encodeURIComponent(`clientName eq ${JSON.stringify(name)}`);
    const listed = (await (await app.request(`${BASE}${API}?filter=${eq}`, { headers: OWNER })).json()) as { data: { clientName: string }[] };
    expect(listed.data.map((c) => c.clientName)).toEqual([name]);

    const renamed = `${name} (renamed)`;
    const patched = await app.request(`${BASE}${API}/${clientId}`, { method: 'PATCH', headers: json, body: JSON.stringify([{ op: 'replace', path: '/clientName', value: renamed }]) });
    expect(patched.status).toBe(204);
    const stored = (await (await app.request(`${BASE}/__mock/state`)).json()) as { clients: { clientName: string; description: string }[] };
    expect(stored.clients[0].clientName).toBe(renamed);
    expect(stored.clients[0].description).toBe(description);
  });
});

describe('prototype pollution through scenario files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oauth-mock-scenarios-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it.each([
    ['a __proto__ member at the top', '{"description":"x","__proto__":{"polluted":"yes"}}'],
    ['a token named __proto__', '{"description":"x","identities":{"tokens":{"__proto__":{"userId":"u","tenantId":"t","admin":true}}}}'],
    ['a token named constructor', '{"description":"x","identities":{"tokens":{"constructor":{"userId":"u","tenantId":"t","admin":true}}}}'],
    ['__proto__ in a client', '{"description":"x","data":{"clients":[{"__proto__":{"polluted":"yes"}}]}}'],
    ['__proto__ in a fault rule', '{"description":"x","faults":[{"status":503,"__proto__":{"polluted":"yes"}}]}'],
    ['__proto__ in an identity', '{"description":"x","identities":{"default":{"userId":"u","tenantId":"t","admin":true,"__proto__":{"admin":true}}}}'],
  ])('%s: refused at start with an error naming the file', (_name, text) => {
    const scenarios = mkdtempSync(join(dir, 's-'));
    writeFileSync(join(scenarios, 'evil.json'), text);
    expect(() => createApp({ scenariosDir: scenarios })).toThrow(/evil\.json/);
    expect(readFileSync(join(scenarios, 'evil.json'), 'utf8')).toBe(text);
    expectNoPollution();
  });
});

// ---------------------------------------------------------------------------------------------
// Over a real socket

/** What a case checks of an answer. */
type Reply = { status: number; headers: Record<string, string>; body: string };

interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The server closed the connection after answering. */
  closed: boolean;
}

/**
 * Writes raw bytes to the mock and reads one HTTP answer. `feed` may keep writing (a body that
 * grows) until the answer arrives; `finish: false` leaves the request incomplete, so an answer
 * can only come from the server deciding before the body is read.
 */
function rawExchange(port: number, head: string, feed?: (write: (chunk: string | Buffer) => boolean, answered: () => boolean) => Promise<void>): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let answer: RawReply | undefined;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 10 s; got ${JSON.stringify(data.toString('latin1').slice(0, 200))}`));
    }, 10_000);
    const tryParse = (closed: boolean) => {
      const text = data.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
      const body = data.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1'));
      if (length !== undefined ? body.length < length : !closed) return;
      answer = { status: Number(statusLine.split(' ')[1]), headers, body: body.subarray(0, length).toString('utf8'), closed };
    };
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      if (!answer) tryParse(false);
      if (answer) {
        clearTimeout(timer);
        socket.destroy();
        resolve(answer);
      }
    });
    socket.on('close', () => {
      if (answer) return;
      tryParse(true);
      clearTimeout(timer);
      const final = answer as RawReply | undefined;
      if (final) resolve({ ...final, closed: true });
      else reject(new Error(`closed without an answer: ${JSON.stringify(data.toString('latin1').slice(0, 200))}`));
    });
    socket.on('error', () => undefined); // a reset after the answer is fine; a missing answer is reported above
    socket.on('connect', () => {
      socket.write(head);
      if (feed) void feed((chunk) => !socket.destroyed && socket.write(chunk), () => answer !== undefined || socket.destroyed);
    });
  });
}

describe('bad input over a real socket', () => {
  let mock: RunningMock;
  const logLines: string[] = [];
  const stderr: string[] = [];
  beforeAll(async () => {
    mock = await startMock({ logLevel: 'debug', logSink: (line) => logLines.push(line) });
    // Nothing the mock does on any of these cases may reach stderr (logs are JSON lines on the sink).
    vi.spyOn(console, 'error').mockImplementation((...args) => void stderr.push(args.join(' ')));
    vi.spyOn(console, 'info').mockImplementation((...args) => void stderr.push(args.join(' ')));
    vi.spyOn(console, 'warn').mockImplementation((...args) => void stderr.push(args.join(' ')));
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await mock.close();
  });

  const stillServes = async () => {
    const r = await fetch(`${mock.url}${API}/${FIXTURE_ID}`, { headers: OWNER });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { clientId: string }).clientId).toBe(FIXTURE_ID);
  };
  const byName = (name: string) => {
    const c = SOCKET_CASES.find((s) => s.name === name);
    if (!c) throw new Error(`no socket case ${name}`);
    return c;
  };
  const post = (extra: string) => `POST ${API} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer owner-token\r\nContent-Type: application/json\r\n${extra}\r\n`;
  /** A request that a test can find again: its query names the case (the journal and debug log lines show it). */
  let tagCount = 0;
  const tagged = () => `case=${++tagCount}-${Date.now()}`;
  const clientCount = async () => ((await (await fetch(`${mock.url}/__mock/health`)).json()) as { clients: number }).clients;
  const secretCount = async () =>
    ((await (await fetch(`${mock.url}/__mock/state`)).json()) as { clients: { clientId: string; secrets: unknown[] }[] }).clients.find((cl) => cl.clientId === FIXTURE_ID)!.secrets
      .length;
  /** The journal entry of a tagged request, once it is there. */
  const journaled = async (tag: string) => {
    for (let i = 0; i < 100; i++) {
      const { requests } = (await (await fetch(`${mock.url}/__mock/requests`)).json()) as { requests: { query: Record<string, string>; status: number; body?: unknown }[] };
      const entry = requests.find((r) => `case=${r.query.case}` === tag);
      if (entry) return entry;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${tag} was never journaled`);
  };
  const logged = (tag: string) => logLines.map((l) => JSON.parse(l) as { path?: string; status: number; level: string }).filter((e) => e.path?.endsWith(`?${tag}`));
  /** One request answered on a connection, then `bytes` on the same connection: the answer to those. */
  const afterOneRequest = async (bytes: string | Buffer) => {
    const connection = await RawConnection.open(mock.port);
    await connection.write(HEALTH);
    expect((await connection.reply()).status).toBe(200);
    await connection.write(bytes);
    const reply = await connection.reply();
    expect(await connection.closes(), 'the mock closes the connection').toBe(true);
    return reply;
  };
  const checks: Record<string, () => Promise<void>> = {};
  const later = (name: string, check: () => Promise<void>) => (checks[name] = check);

  const sends: Record<string, () => Promise<Reply | undefined>> = {
    'Content-Length of 2 MiB, body never completes': () => rawExchange(mock.port, post('Content-Length: 2097152\r\n') + '{"appType":"web",'),
    'chunked body growing past 1 MiB (no Content-Length)': () =>
      rawExchange(mock.port, post('Transfer-Encoding: chunked\r\n'), async (write, answered) => {
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        write(`1\r\n{\r\n`);
        for (let sent = 0; sent < 4 * 1024 * 1024 && !answered(); sent += chunk.length) {
          write(`${chunk.length.toString(16)}\r\n`);
          write(chunk);
          write('\r\n');
          await new Promise((resolve) => setImmediate(resolve));
        }
      }),
    'a header of 20 KiB': () => rawExchange(mock.port, `GET ${API} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer owner-token\r\nX-Padding: ${'p'.repeat(20 * 1024)}\r\n\r\n`),
    'a request line of 20 KiB': () => rawExchange(mock.port, `GET ${API}?filter=${'f'.repeat(20 * 1024)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`),
    'a request that is not HTTP': () => rawExchange(mock.port, '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003 not http at all\r\n\r\n'),
    'non-ASCII bytes in the request target': () =>
      rawExchange(mock.port, `GET ${API}?x=\u00e9 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer owner-token\r\n\r\n`), // é, sent as UTF-8
    'a Content-Length that is not a number': () =>
      rawExchange(mock.port, `POST ${API} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer owner-token\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}`),
    'raw %2e%2e in the request target': () => rawExchange(mock.port, `GET ${API}/%2e%2e HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer owner-token\r\n\r\n`),

    'create secret with a Content-Length of 2 MiB': async () => {
      const before = await secretCount();
      const reply = await rawExchange(mock.port, `POST ${API}/${FIXTURE_ID}/client-secrets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer owner-token\r\nContent-Length: 2097152\r\n\r\nxx`);
      later('create secret with a Content-Length of 2 MiB', async () => expect(await secretCount()).toBe(before));
      return reply;
    },
    'create secret with a chunked body growing past 1 MiB': async () => {
      const before = await secretCount();
      const head = `POST ${API}/${FIXTURE_ID}/client-secrets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer owner-token\r\nTransfer-Encoding: chunked\r\n\r\n`;
      const reply = await rawExchange(mock.port, head, async (write, answered) => {
        const chunk = Buffer.alloc(64 * 1024, 0x78);
        for (let sent = 0; sent < 4 * 1024 * 1024 && !answered(); sent += chunk.length) {
          write(`${chunk.length.toString(16)}\r\n`);
          write(chunk);
          write('\r\n');
          await new Promise((resolve) => setImmediate(resolve));
        }
      });
      later('create secret with a chunked body growing past 1 MiB', async () => expect(await secretCount()).toBe(before));
      return reply;
    },

    'request headers over 16 KiB, on a reused connection': () => afterOneRequest(`GET ${API} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'p'.repeat(17 * 1024)}\r\n\r\n`),
    'a Content-Length that is not a number, on a reused connection': () => afterOneRequest(post('Content-Length: 1x\r\n') + '{}'),
    'two different Content-Length headers, on a reused connection': () => afterOneRequest(post('Content-Length: 2\r\nContent-Length: 3\r\n') + '{}'),
    'Content-Length and Transfer-Encoding together, on a reused connection': () => afterOneRequest(post('Content-Length: 5\r\nTransfer-Encoding: chunked\r\n') + '0\r\n\r\n'),
    'a control byte in the request target, on a reused connection': () => afterOneRequest(`GET ${API}\u0001 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`),
    'a bad chunk size in a create, on a reused connection': async () => {
      const before = await clientCount();
      const tag = tagged();
      const reply = await afterOneRequest(post('Transfer-Encoding: chunked\r\n').replace(` HTTP/1.1`, `?${tag} HTTP/1.1`) + '2\r\n{}\r\nzz\r\n');
      later('a bad chunk size in a create, on a reused connection', async () => {
        expect((await journaled(tag)).status).toBe(0);
        expect(await clientCount()).toBe(before);
      });
      return reply;
    },
    'TLS bytes (a ClientHello), on a reused connection': () => afterOneRequest(Buffer.from('16030100a5010000a10303', 'hex')),
    'HTTP/9.9, on a reused connection': () => afterOneRequest(`GET ${API} HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n`),
    'an HTTP/2 preface (PRI *), on a reused connection': () => afterOneRequest('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
    'a create and a malformed request in one write': async () => {
      const before = await clientCount();
      const body = JSON.stringify({ appType: 'web', clientName: 'pipelined' });
      const connection = await RawConnection.open(mock.port);
      await connection.write(post(`Content-Length: ${body.length}\r\n`) + body + `GET ${API} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n`);
      const created = await connection.reply();
      expect(created.status, created.body).toBe(201);
      expect(JSON.parse(created.body)).toMatchObject({ clientName: 'pipelined' });
      const reply = await connection.reply();
      expect(await connection.closes()).toBe(true);
      later('a create and a malformed request in one write', async () => expect(await clientCount()).toBe(before + 1));
      return reply;
    },
    'three reads and a malformed request in one write': async () => {
      const connection = await RawConnection.open(mock.port);
      const read = (i: number) => `GET ${API}/${FIXTURE_ID}?n=${i} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer owner-token\r\n\r\n`;
      // A fault delays the first read: its answer is still being worked on when the refusal is parsed.
      const rule = await mock.control.addFault({ delayMs: 150, operationId: 'readOAuthClientQCC', times: 1 });
      await connection.write(read(1) + read(2) + read(3) + 'GET /\u0000 HTTP/1.1\r\n\r\n');
      for (let i = 0; i < 3; i++) {
        const r = await connection.reply();
        expect(r.status).toBe(200);
        expect(JSON.parse(r.body).clientId).toBe(FIXTURE_ID);
      }
      const reply = await connection.reply();
      expect(await connection.closes()).toBe(true);
      await mock.control.removeFault(rule.id);
      return reply;
    },
    'a create whose client goes away mid-body': async () => {
      const before = await clientCount();
      const tag = tagged();
      const connection = await RawConnection.open(mock.port);
      await connection.write(post('Content-Length: 100\r\n').replace(' HTTP/1.1', `?${tag} HTTP/1.1`) + '{"appType":"web",');
      await new Promise((resolve) => setTimeout(resolve, 100));
      connection.destroy();
      later('a create whose client goes away mid-body', async () => {
        const entry = await journaled(tag);
        expect(entry.status).toBe(0);
        const lines = logged(tag);
        expect(lines, 'one JSON line').toHaveLength(1);
        expect(lines[0]).toMatchObject({ status: 0, level: 'error' });
        expect(await clientCount()).toBe(before);
      });
      return undefined;
    },
    'a create whose body has a bad chunk': async () => {
      const tag = tagged();
      const connection = await RawConnection.open(mock.port);
      await connection.write(post('Transfer-Encoding: chunked\r\n').replace(' HTTP/1.1', `?${tag} HTTP/1.1`) + '5\r\n{"app\r\n');
      await new Promise((resolve) => setTimeout(resolve, 50));
      await connection.write('not-hex\r\n');
      const reply = await connection.reply();
      expect(await connection.closes()).toBe(true);
      later('a create whose body has a bad chunk', async () => {
        expect((await journaled(tag)).status).toBe(0);
        expect(logged(tag)).toMatchObject([{ status: 0 }]);
      });
      return reply;
    },
    'a 413 answered before the body, then the body and another create': async () => {
      const before = await clientCount();
      const connection = await RawConnection.open(mock.port, { keepWriting: true });
      await connection.write(post(`Content-Length: ${2 * 1024 * 1024}\r\n`));
      const reply = await connection.reply();
      // The client goes on as if it had not looked: the whole body, then its next request.
      const next = JSON.stringify({ appType: 'web', clientName: 'after the 413' });
      await connection.write(Buffer.alloc(2 * 1024 * 1024, 0x20));
      await connection.write(post(`Content-Length: ${next.length}\r\n`) + next);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(connection.ended, 'the mock closed its side').toBe(true);
      connection.socket.end();
      expect(await connection.gone()).toBe(true);
      expect(connection.reset, 'closed, not reset: all of the body was taken').toBe(false);
      expect(connection.unread, 'the next request was not answered').toBe('');
      later('a 413 answered before the body, then the body and another create', async () => expect(await clientCount(), 'nor carried out').toBe(before));
      return reply;
    },
    'a client that writes a 2 MiB body before it reads': async () => {
      const connection = await RawConnection.open(mock.port, { keepWriting: true });
      connection.socket.pause();
      await connection.write(post(`Content-Length: ${2 * 1024 * 1024}\r\n`));
      await connection.write(Buffer.alloc(2 * 1024 * 1024, 0x20));
      await new Promise((resolve) => setTimeout(resolve, 200));
      connection.socket.resume();
      const reply = await connection.reply();
      expect(await connection.closes()).toBe(true);
      expect(connection.reset).toBe(false);
      connection.destroy();
      return reply;
    },
    'an unauthenticated create whose body stalls': async () => {
      const connection = await RawConnection.open(mock.port);
      await connection.write(`POST ${API} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"app`);
      const reply = await connection.reply();
      expect(await connection.closes(), 'closed once the client stops sending').toBe(true);
      return reply;
    },
    'OPTIONS *': async () => {
      const connection = await RawConnection.open(mock.port);
      await connection.write('OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' + HEALTH);
      const reply = await connection.reply();
      expect((await connection.reply()).status, 'the connection is kept').toBe(200);
      connection.destroy();
      return reply;
    },
    'GET *': () => rawExchange(mock.port, 'GET * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'),
    CONNECT: async () => {
      const connection = await RawConnection.open(mock.port);
      await connection.write('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
      const reply = await connection.reply();
      expect(reply.headers.allow).toBe('DELETE, GET, OPTIONS, PATCH, POST, PUT');
      expect(await connection.closes()).toBe(true);
      return reply;
    },
    'HTTP/1.1 without Host': async () => {
      const connection = await RawConnection.open(mock.port);
      await connection.write(`GET ${API} HTTP/1.1\r\nAuthorization: Bearer owner-token\r\n\r\n` + HEALTH);
      const reply = await connection.reply();
      expect((await connection.reply()).status, 'the connection is kept').toBe(200);
      connection.destroy();
      return reply;
    },
    'an empty Host header': () => rawExchange(mock.port, `GET ${API} HTTP/1.1\r\nHost: \r\nAuthorization: Bearer owner-token\r\n\r\n`),
    'a Host header that is not a host': () => rawExchange(mock.port, `GET ${API} HTTP/1.1\r\nHost: a b\r\nAuthorization: Bearer owner-token\r\n\r\n`),
    'a Host that is a public DNS name': () => rawExchange(mock.port, `GET ${API} HTTP/1.1\r\nHost: rebind.attacker.com:${mock.port}\r\nAuthorization: Bearer owner-token\r\n\r\n`),
    'HTTP/1.0 without Host': async () => {
      const reply = await rawExchange(mock.port, `GET ${API}?limit=1 HTTP/1.0\r\nAuthorization: Bearer owner-token\r\n\r\n`);
      later('HTTP/1.0 without Host', async () => expect(JSON.parse(reply.body).links.next.href).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${mock.port}${API}\\?`)));
      return reply;
    },
    'Transfer-Encoding: gzip, chunked': async () => {
      const body = JSON.stringify({ appType: 'web', clientName: 'gzip-chunked' });
      const reply = await rawExchange(mock.port, post('Transfer-Encoding: gzip, chunked\r\n') + `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
      const listed = await fetch(`${mock.url}${API}?limit=100`, { headers: { authorization: 'Bearer owner-token' } });
      expect(JSON.stringify(await listed.json())).not.toContain('gzip-chunked');
      return reply;
    },
    'an unknown Expect': () => rawExchange(mock.port, `GET ${API} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer owner-token\r\nExpect: 200-ok\r\n\r\n`),
    'Expect: 100-continue': async () => {
      const body = JSON.stringify({ appType: 'web', clientName: 'continued' });
      const connection = await RawConnection.open(mock.port);
      await connection.write(post(`Content-Length: ${body.length}\r\nExpect: 100-continue\r\n`));
      expect((await connection.reply()).status).toBe(100);
      await connection.write(body);
      const reply = await connection.reply();
      connection.destroy();
      return reply;
    },
    'a fault header in latin-1, over the wire': async () => {
      const rule = await mock.control.addFault({ status: 503, headers: { 'x-cafe': 'caf\u00e9' }, operationId: 'readOAuthClientQCC', times: 1 });
      const reply = await rawExchange(mock.port, `GET ${API}/${FIXTURE_ID} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      await mock.control.removeFault(rule.id);
      later('a fault header in latin-1, over the wire', async () => expect(reply.headers['x-cafe']).toBe('caf\u00e9')); // read as latin-1
      return reply;
    },
  };

  it('has a way to send every socket case of the table', () => {
    expect(Object.keys(sends).sort()).toEqual(SOCKET_CASES.map((c) => c.name).sort());
  });

  it.each(SOCKET_CASES.map((c) => [c.name] as const))('%s', async (name) => {
    const c = byName(name);
    const reply = await sends[name]();
    if (c.expectStatus === 0) expect(reply, 'no answer').toBeUndefined();
    else {
      expect(reply, 'an answer').toBeDefined();
      expect(reply!.status, reply!.body.slice(0, 200)).toBe(c.expectStatus);
      if (c.expectStatus >= 400) {
        const body = JSON.parse(reply!.body) as { errors: { code: string }[] };
        expect(reply!.headers['content-type']).toMatch(/^application\/json/);
        expect(body.errors[0].code).toBe(`HTTP-${c.expectStatus}`);
        expect(reply!.body).not.toMatch(/\bat .*\.(ts|js):\d+/);
      }
      if (c.parserRefuses || c.closes) expect(reply!.headers.connection, 'the connection is closed').toBe('close');
      else expect(reply!.headers.connection ?? 'keep-alive', 'the connection is kept').not.toBe('close');
    }
    await checks[name]?.();
    await stillServes();
    expect(stderr, 'nothing on stderr').toEqual([]);
  });
});

describe('docs/bad-input.md', () => {
  it('lists every case of the table with its status', () => {
    const doc = readFileSync(new URL('../../docs/bad-input.md', import.meta.url), 'utf8');
    const rows = new Map<string, string>();
    for (const line of doc.split('\n')) {
      const cells = line.split(' | ');
      if (cells.length >= 3 && line.startsWith('| ')) rows.set(cells[0].slice(2).replaceAll('\\|', '|').trim(), cells[1].trim());
    }
    const missing = [...APP_CASES, ...SOCKET_CASES].filter((c) => rows.get(c.name) !== String(c.expectStatus)).map((c) => `${c.name} → ${c.expectStatus}`);
    expect(missing, 'rows missing or with another status in docs/bad-input.md').toEqual([]);
  });
});
