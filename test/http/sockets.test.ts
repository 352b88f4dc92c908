/**
 * What the mock's server does below the app, over real sockets, beyond the bad-input table
 * (test/reliability/bad-input-cases.ts holds a case per answer; this file what is not one answer).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMockServer } from '../../src/http/server.js';
import { startMock, type RunningMock } from '../../src/index.js';
import { HEALTH, RawConnection } from '../support/raw-http.js';
import { API } from '../support/api.js';

const FIXTURE_ID = '20ba0ecf013ffb6bf5b711761f6c39ec';
const OWNER = 'Authorization: Bearer owner-token\r\n';

let mock: RunningMock | undefined;
let lines: string[] = [];
let stderr: string[] = [];
const start = async () => {
  lines = [];
  stderr = [];
  for (const name of ['error', 'warn', 'info'] as const) vi.spyOn(console, name).mockImplementation((...args) => void stderr.push(args.join(' ')));
  mock = await startMock({ logLevel: 'info', logSink: (line) => lines.push(line) });
  return mock;
};
afterEach(async () => {
  await mock?.close();
  mock = undefined;
  vi.restoreAllMocks();
});
const log = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('idle connections', () => {
  it('closes a connection that sends nothing, once it has been idle that long', async () => {
    const server = createMockServer({ fetch: () => new Response('ok'), idleSocketMs: 300 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const idle = connect(port, '127.0.0.1');
      const closed = new Promise<number>((resolve) => {
        const opened = Date.now();
        idle.on('close', () => resolve(Date.now() - opened));
      });
      idle.on('error', () => {});
      expect(await closed).toBeGreaterThanOrEqual(250);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
  it('closes idle connections after IDLE_SOCKET_MS by default, longer than the longest fault delay', async () => {
    const { IDLE_SOCKET_MS } = await import('../../src/http/server.js');
    const { MAX_DELAY_MS } = await import('../../src/faults/rules.js');
    expect(IDLE_SOCKET_MS).toBeGreaterThan(MAX_DELAY_MS);
    expect(createMockServer({ fetch: () => new Response('') }).timeout).toBe(IDLE_SOCKET_MS);
  });
});

describe("the fields of Node's HTTP server that client-error.ts reads", () => {
  it('socket._httpMessage is the answer being written, socket.parser.incoming the request being parsed', async () => {
    const seen: { attached: boolean; parsing: boolean; complete: boolean }[] = [];
    const server = createMockServer({
      fetch: (_request, { incoming, outgoing }) => {
        const socket = incoming.socket as typeof incoming.socket & { _httpMessage?: ServerResponse; parser?: { incoming?: IncomingMessage } };
        seen.push({ attached: socket._httpMessage === outgoing, parsing: socket.parser?.incoming === incoming, complete: incoming.complete });
        return new Response('ok');
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const connection = await RawConnection.open((server.address() as AddressInfo).port);
      await connection.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{"a');
      expect((await connection.reply()).status).toBe(200);
      connection.destroy();
      expect(seen).toEqual([{ attached: true, parsing: true, complete: false }]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('unexpected errors', () => {
  it('a stray error in a handler is a 500 in the error shape and one log line naming it; nothing on stderr', async () => {
    const { port } = await start();
    vi.spyOn(mock!.runtime.world.service, 'get').mockImplementation(() => {
      throw new TypeError('boom\nsecond line');
    });
    const connection = await RawConnection.open(port);
    await connection.write(`GET ${API}/${FIXTURE_ID} HTTP/1.1\r\nHost: x\r\n${OWNER}\r\n`);
    const reply = await connection.reply();
    expect(reply.status).toBe(500);
    expect(JSON.parse(reply.body).errors[0].detail).toBe('The mock failed unexpectedly; this is a bug in the mock.');
    expect(reply.body).not.toContain('boom');
    connection.destroy();
    const entry = log().find((e) => e.operationId === 'readOAuthClientQCC')!;
    expect(entry).toMatchObject({ level: 'error', status: 500 });
    expect(entry.error).toMatch(/^TypeError: boom second line \(at .+\)$/);
    expect(lines.every((line) => !line.includes('\n'))).toBe(true);
    expect(stderr).toEqual([]);
  });
});

describe('bodies that break off', () => {
  it('a control request whose client goes away mid-body: one log line with status 0, nothing on stderr, nothing changed', async () => {
    const { port } = await start();
    const before = await mock!.control.getState();
    const connection = await RawConnection.open(port);
    await connection.write(`PUT /__mock/state HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"version":1,"clients":[`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    connection.destroy();
    await vi.waitFor(() => expect(log().find((e) => e.path === '/__mock/state' && e.method === 'PUT')).toMatchObject({ status: 0, level: 'error' }));
    expect(await mock!.control.getState()).toEqual(before);
    expect(stderr).toEqual([]);
  });

  it('a bad chunk in a control body: answered 400 in the error shape, the connection closed, nothing changed', async () => {
    const { port } = await start();
    const before = await mock!.control.getState();
    const connection = await RawConnection.open(port);
    await connection.write(`PUT /__mock/state HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{"v\r\nxyz\r\n`);
    const reply = await connection.reply();
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body).errors[0].detail).toMatch(/HPE_INVALID_CHUNK_SIZE/);
    expect(await connection.closes()).toBe(true);
    expect(await mock!.control.getState()).toEqual(before);
    expect(stderr).toEqual([]);
  });
});

describe('answers written before the body', () => {
  it('a control body over 64 MiB by its Content-Length: 413 at once, Connection: close, and what follows is not carried out', async () => {
    const { port } = await start();
    const connection = await RawConnection.open(port);
    await connection.write(`PUT /__mock/state HTTP/1.1\r\nHost: x\r\nContent-Length: ${65 * 1024 * 1024}\r\n\r\n{`);
    const reply = await connection.reply();
    expect(reply.status).toBe(413);
    expect(reply.headers.connection).toBe('close');
    connection.destroy();
  });

  it('after such an answer, more bad bytes get no second answer: the connection just closes', async () => {
    const { port } = await start();
    const connection = await RawConnection.open(port);
    await connection.write(`POST ${API} HTTP/1.1\r\nHost: x\r\n${OWNER}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
    await connection.write(`${(2 * 1024 * 1024).toString(16)}\r\n`);
    await connection.write(Buffer.alloc(1024 * 1024 + 10, 0x20));
    const reply = await connection.reply();
    expect(reply.status).toBe(413);
    expect(reply.headers.connection).toBe('close');
    await connection.write('this is not the rest of a chunk\r\n\r\nGET / HTTP/1.1\r\n\r\n');
    expect(await connection.closes()).toBe(true);
    expect(connection.unread).toBe('');
    expect(stderr).toEqual([]);
  });

  it('the mock keeps reading while the client still sends, and lets go once it is idle', async () => {
    const { port } = await start();
    const connection = await RawConnection.open(port, { keepWriting: true });
    await connection.write(`POST ${API} HTTP/1.1\r\nHost: x\r\n${OWNER}Content-Type: application/json\r\nContent-Length: ${8 * 1024 * 1024}\r\n\r\n`);
    expect((await connection.reply()).status).toBe(413);
    for (let i = 0; i < 8; i++) {
      await connection.write(Buffer.alloc(1024 * 1024, 0x20));
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(connection.ended, 'the mock closed its side after the answer').toBe(true);
    expect(connection.reset, 'and read all 8 MiB, slowly sent, without a reset').toBe(false);
    // Idle for LINGER_IDLE_MS (2 s): the mock lets go of the socket; a write now is refused.
    await new Promise((resolve) => setTimeout(resolve, 2600));
    // (The first write draws the reset; the client notices it on the next.)
    await connection.write('more');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await connection.write('more');
    expect(await connection.gone(2000)).toBe(true);
    expect(connection.reset).toBe(true);
  });

  it('an answer written once the body has arrived keeps the connection: the next request is answered', async () => {
    const { port } = await start();
    await mock!.control.addFault({ status: 503, delayMs: 50, operationId: 'createOAuthClientQCC', times: 1 });
    const connection = await RawConnection.open(port);
    const body = JSON.stringify({ appType: 'web', clientName: 'x' });
    await connection.write(`POST ${API} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}${HEALTH}`);
    const first = await connection.reply();
    expect(first.status).toBe(503);
    expect(first.headers.connection).toBe('keep-alive');
    expect((await connection.reply()).status).toBe(200);
    connection.destroy();
  });
});

describe('a dropped connection among pipelined requests', () => {
  it('sends the answers of the requests before the dropped one, in order, then resets', async () => {
    const { port, control } = await start();
    // The first read is still being worked on (delayed) when the second, dropped, one is handled.
    await control.addFault({ delayMs: 200, operationId: 'readOAuthClientQCC', times: 1 });
    await control.addFault({ connection: 'reset', operationId: 'readAllOAuthClientsQCC', times: 1 });
    const connection = await RawConnection.open(port);
    await connection.write(
      `GET ${API}/${FIXTURE_ID} HTTP/1.1\r\nHost: 127.0.0.1\r\n${OWNER}\r\n` + `GET ${API}/${FIXTURE_ID}?second HTTP/1.1\r\nHost: 127.0.0.1\r\n${OWNER}\r\n` + `GET ${API} HTTP/1.1\r\nHost: 127.0.0.1\r\n${OWNER}\r\n`,
    );
    for (const _ of [1, 2]) {
      const reply = await connection.reply();
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body).clientId).toBe(FIXTURE_ID);
    }
    expect(await connection.gone()).toBe(true);
    expect(connection.unread).toBe('');
  });
});

describe('journal reads of a full journal', () => {
  it('100 parallel reads get the same bytes, from one shared buffer', async () => {
    const { port, url } = await start();
    const pad = 'x'.repeat(60 * 1024 - 100);
    const body = JSON.stringify({ appType: 'web', clientName: 'rss', description: pad });
    for (let i = 0; i < 300; i += 30) {
      await Promise.all(
        Array.from({ length: 30 }, () => fetch(`${url}${API}`, { method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body }).then((r) => r.arrayBuffer())),
      );
    }
    // 100 readers that do not read yet: every answer is held by the server at once.
    const sockets = await Promise.all(
      Array.from({ length: 100 }, () => new Promise<Socket>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => resolve(socket));
      })),
    );
    const external = process.memoryUsage().arrayBuffers;
    for (const socket of sockets) {
      socket.pause();
      socket.write('GET /__mock/requests HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const held = process.memoryUsage().arrayBuffers - external;
    const read = (socket: Socket) =>
      new Promise<{ bytes: number; hash: string }>((resolve) => {
        const hash = createHash('sha256');
        let bytes = 0;
        socket.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          hash.update(chunk.subarray(chunk.indexOf('\r\n\r\n') >= 0 && bytes === chunk.length ? chunk.indexOf('\r\n\r\n') + 4 : 0));
        });
        socket.on('end', () => resolve({ bytes, hash: hash.digest('hex') }));
        socket.resume();
      });
    const answers = await Promise.all(sockets.map(read));
    const size = answers[0].bytes;
    expect(size).toBeGreaterThan(10 * 1024 * 1024);
    expect(new Set(answers.map((a) => a.bytes)).size).toBe(1);
    expect(held, `${(held / 1048576).toFixed(1)} MiB held for 100 reads of ${(size / 1048576).toFixed(1)} MiB`).toBeLessThan(3 * size);
  }, 60_000);
});

describe('the Host a request names, over a socket', () => {
  it("refuses a public DNS name it does not answer to (a rebinding page's GET), whatever the client; loopback, IPs and names without a dot pass", async () => {
    const { port } = await start();
    const ask = async (host: string) => {
      const connection = await RawConnection.open(port);
      await connection.write(`GET ${API}/${FIXTURE_ID} HTTP/1.1\r\nHost: ${host}\r\n${OWNER}\r\n`);
      const reply = await connection.reply();
      connection.destroy();
      return reply;
    };
    const refused = await ask('rebind.attacker.com:8080');
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).errors[0].detail).toContain('--allowed-hosts rebind.attacker.com.');
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'qlik:8080', '192.168.1.20']) expect((await ask(host)).status, host).toBe(200);
  });
});
