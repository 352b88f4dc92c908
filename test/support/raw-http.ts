/**
 * A raw TCP connection to the mock, for tests of what happens below HTTP clients: bytes are
 * written as given (several requests in one write, a body that never ends, a bad chunk), and
 * answers are read one by one as they arrive, in order.
 */
import { connect, type Socket } from 'node:net';

export interface RawReply {
  status: number;
  statusLine: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: string;
}

export class RawConnection {
  private chunks: Buffer[] = [];
  /** Bytes in `chunks`, and how many the answer being read needs at least (so big bodies are not joined chunk by chunk). */
  private size = 0;
  private need = 0;
  private waiters: (() => void)[] = [];
  /** The server closed its side (FIN), or the connection is gone. */
  ended = false;
  /** The connection is gone altogether. */
  closed = false;
  /** The connection was reset (ECONNRESET), or a write failed (EPIPE), rather than closed. */
  reset = false;
  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.size += chunk.length;
      if (this.size >= this.need) this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') this.reset = true;
      this.ended = true;
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.closed = true;
      this.wake();
    });
  }

  /**
   * `keepWriting`: go on writing after the server closed its side (as a client that writes its
   * whole body before it reads does); otherwise the connection ends when the server's does.
   */
  static open(port: number, { keepWriting = false } = {}): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: keepWriting });
      socket.once('connect', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  write(bytes: string | Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed || !this.socket.writable) return resolve();
      this.socket.write(bytes, () => resolve());
    });
  }

  /** The next whole answer (an interim 1xx counts as one); rejects when none comes within `ms`. */
  async reply(ms = 10_000): Promise<RawReply> {
    const deadline = Date.now() + ms;
    for (;;) {
      const parsed = this.take();
      if (parsed) return parsed;
      if (this.ended) throw new Error(`the connection ended without a (further) answer; left: ${JSON.stringify(this.data.toString('latin1').slice(0, 300))}`);
      if (!(await this.until(deadline))) throw new Error(`no answer within ${ms} ms; got ${JSON.stringify(this.data.toString('latin1').slice(0, 300))}`);
    }
  }

  /** Resolves true once the server has closed the connection (within `ms`), false if it is still open. */
  async closes(ms = 10_000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.ended) if (!(await this.until(deadline))) return false;
    return true;
  }

  /** Resolves true once the connection is gone altogether (within `ms`). */
  async gone(ms = 10_000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.closed) if (!(await this.until(deadline))) return false;
    return true;
  }

  /** What arrived and was not read as an answer. */
  get unread(): string {
    return this.data.toString('latin1');
  }

  private get data(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0];
  }

  private set data(value: Buffer) {
    this.chunks = [value];
    this.size = value.length;
    this.need = 0;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  private until(deadline: number): Promise<boolean> {
    return new Promise((resolve) => {
      const left = deadline - Date.now();
      if (left <= 0) return resolve(false);
      const timer = setTimeout(() => resolve(false), left);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private take(): RawReply | undefined {
    const end = this.data.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine, ...lines] = this.data.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
    const status = Number(statusLine.split(' ')[1]);
    let rest = this.data.subarray(end + 4);
    let body: Buffer;
    if (status < 200 || status === 204 || status === 304) body = Buffer.alloc(0);
    else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      if (rest.length < length) {
        this.need = end + 4 + length;
        return undefined;
      }
      body = rest.subarray(0, length);
      rest = rest.subarray(length);
    } else if (headers['transfer-encoding'] === 'chunked') {
      const parts: Buffer[] = [];
      let at = 0;
      for (;;) {
        const lineEnd = rest.indexOf('\r\n', at);
        if (lineEnd < 0) return undefined;
        const size = parseInt(rest.subarray(at, lineEnd).toString('latin1'), 16);
        if (rest.length < lineEnd + 2 + size + 2) return undefined;
        if (size === 0) {
          at = lineEnd + 4;
          break;
        }
        parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
      body = Buffer.concat(parts);
      rest = rest.subarray(at);
    } else {
      if (!this.ended) return undefined; // delimited by the close
      body = rest;
      rest = Buffer.alloc(0);
    }
    this.data = rest;
    return { status, statusLine, headers, body: body.toString('utf8') };
  }
}

/** A GET of the health check, as raw bytes. */
export const HEALTH = 'GET /__mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
