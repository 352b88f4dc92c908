import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { refuseBody } from './body.js';
import { errorBody } from './errors.js';

/** After the mock half-closed a connection, how long it keeps reading (and dropping) what the client still sends. */
export const LINGER_IDLE_MS = 2000;
export const LINGER_MAX_MS = 30_000;

const CLOSING = Symbol('closing');
const LINGERING = Symbol('lingering');
type MockSocket = Socket & {
  [CLOSING]?: true;
  [LINGERING]?: true;
  /** Node's: the answer being written on this connection (the next one due is attached when it finishes). */
  _httpMessage?: ServerResponse | null;
  /** Node's: the HTTP parser of this connection, and the request it is reading. */
  parser?: { incoming?: IncomingMessage | null } | null;
};

/** The connection is being closed: nothing more it sends is answered, or carried out. */
export const isClosing = (socket: Socket): boolean => (socket as MockSocket)[CLOSING] === true;

/** From now on, requests that arrive on this connection are neither carried out nor answered. */
export function markClosing(socket: Socket): void {
  (socket as MockSocket)[CLOSING] = true;
}

/**
 * Closes a connection without losing what was sent on it: half-close (FIN, after everything
 * written), then keep reading and dropping what the client still sends (the rest of a body it
 * is writing) until it closes its side, is idle for LINGER_IDLE_MS, or LINGER_MAX_MS have passed.
 * Closing at once with unread bytes in the socket would reset the connection (RST), and a client
 * still writing its body could lose the answer before it reads it. Safe to call more than once.
 */
export function closeGently(socket: Socket): void {
  markClosing(socket);
  if (socket.destroyed) return;
  if (socket.writable) socket.end();
  if ((socket as MockSocket)[LINGERING]) return;
  (socket as MockSocket)[LINGERING] = true;
  socket.setTimeout(LINGER_IDLE_MS, () => socket.destroy());
  const deadline = setTimeout(() => socket.destroy(), LINGER_MAX_MS).unref();
  socket.once('close', () => clearTimeout(deadline));
  // A socket the HTTP server let go of (CONNECT) is read by nobody: read it here, dropping it.
  if (!(socket as MockSocket).parser) socket.resume();
}

/** An answer written straight to a socket, in the API's error shape, saying the connection closes. */
export function rawErrorAnswer(status: number, detail: string, headers: Record<string, string> = {}): string {
  const body = JSON.stringify(errorBody(status, detail));
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`;
}

/** The status Node itself would use for a parser error, and what to say about it. */
function refusal(error: NodeJS.ErrnoException): { status: number; detail: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, detail: 'The request line and headers are larger than 16 KiB.' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, detail: 'The chunk extensions of the request body are too large.' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, detail: 'The request did not arrive in time.' };
    default:
      return { status: 400, detail: `The request is not valid HTTP${error.code ? ` (${error.code})` : ''}.` };
  }
}

/**
 * Requests Node's HTTP parser refuses never reach the app; Node would answer them with a bare
 * status line, and not at all on a connection that already served a request. The mock answers
 * every one in the API's error shape, with Node's statuses (431 for a request line and headers
 * over 16 KiB, 408 for a request that did not arrive in time, 413 for oversized chunk
 * extensions, 400 for anything else that is not valid HTTP), then closes the connection gently.
 *
 * In order: answers still due for requests before the refused one (pipelined in the same
 * write, or still being worked on) are sent first; only then the refusal. When the refusal is
 * about the body of a request (a bad chunk), that request's answer is the refusal, unless it
 * was already answered (then the connection is just closed), and whoever reads that body stops
 * (`refuseBody`: the request is journaled as dropped).
 *
 * This reads two fields of Node's HTTP server that are not documented but are what its own
 * default handler reads: `socket._httpMessage` (the answer being written) and
 * `socket.parser.incoming` (the request being parsed). test/http/sockets.test.ts holds them to it.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, duplex) => {
    const socket = duplex as MockSocket;
    // More of what the client sent after a refusal, or after an answer that closes: already dealt with.
    if (isClosing(socket)) return;
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    markClosing(socket);
    const parsing = socket.parser?.incoming;
    const broken = parsing && !parsing.complete ? parsing : undefined;
    if (broken) refuseBody(broken);
    const { status, detail } = refusal(error);
    const answer = (send: boolean) => {
      if (send && socket.writable) socket.write(rawErrorAnswer(status, detail));
      closeGently(socket);
    };
    const next = (): void => {
      if (socket.destroyed) return;
      const current = socket._httpMessage;
      // Nothing in flight: the refusal is due, unless it is about a request that had its answer.
      if (!current) return answer(broken === undefined);
      // The refused request's own answer is due and not begun: the refusal is that answer.
      if (current.req === broken && !current.headersSent) return answer(true);
      // An earlier answer (or the refused request's, begun early) is being written: after it.
      // Node's own 'finish' listener runs first and hands the socket to the next answer due.
      current.once('finish', next);
    };
    next();
  });
}
