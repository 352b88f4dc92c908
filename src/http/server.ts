import { createServer, ServerResponse, type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { getRequestListener, RequestError } from '@hono/node-server';
import { answerClientErrors, closeGently, isClosing, markClosing, rawErrorAnswer } from './client-error.js';
import { errorBody, oneLine } from './errors.js';

/** What Node's parser allows of a request line and headers (431 past it); pinned, so the documented limit holds whatever NODE_OPTIONS says. */
export const MAX_HEADER_BYTES = 16 * 1024;
/** A request's headers must have arrived this long after it began, and the whole request this long (408). */
export const HEADERS_TIMEOUT_MS = 30_000;
export const REQUEST_TIMEOUT_MS = 120_000;
/**
 * A connection with nothing going either way this long is closed: one opened and never used
 * would otherwise stay forever (Node times out requests, not idle sockets), and enough of them
 * take every file descriptor. Longer than the longest quiet a served request has: a fault's
 * delay (60 s at most), the change feed's heartbeat (15 s).
 */
export const IDLE_SOCKET_MS = 90_000;

/** The methods the mock serves somewhere: the `Allow` of the 405 that answers CONNECT (the mock is not a proxy). */
const SERVED_METHODS = 'DELETE, GET, OPTIONS, PATCH, POST, PUT';

export interface MockServerOptions {
  /** The app's fetch (Hono's `app.fetch`). */
  fetch: (request: Request, env: { incoming: IncomingMessage; outgoing: ServerResponse }) => Response | Promise<Response>;
  /** Where something unexpected at the server's level goes, on one line (never stderr). */
  logError?: (message: string) => void;
  /** IDLE_SOCKET_MS unless given (tests). */
  idleSocketMs?: number;
}

/**
 * An answer whose request still has body to come says `Connection: close`: the client may or
 * may not send the rest, so the next request on that connection could not be told apart from it
 * (the body would be read as a request, or a request as the body). Once the answer is written
 * the connection is closed gently (closeGently): nothing is reset under the answer, and nothing
 * that arrives after it is carried out. Every answer goes through writeHead, the app's
 * (@hono/node-server writes the head with it) and Node's own.
 */
class MockResponse extends ServerResponse {
  override writeHead(statusCode: number, ...rest: [(string | OutgoingHttpHeaders | OutgoingHttpHeader[])?, (OutgoingHttpHeaders | OutgoingHttpHeader[])?]): this {
    if (bodyPending(this.req)) {
      this.shouldKeepAlive = false; // Node writes `Connection: close` and ends the socket after the answer
      const socket = this.req.socket;
      markClosing(socket);
      socket.destroySoon = () => closeGently(socket);
    }
    return super.writeHead(statusCode, ...(rest as [string, OutgoingHttpHeaders]));
  }
}

/** The request has a body that has not all arrived. */
function bodyPending(req: IncomingMessage): boolean {
  if (req.complete) return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The mock's own authority as the client reached it (for a request without Host: HTTP/1.0). */
function localAuthority(socket: Socket): string {
  const address = (socket.localAddress ?? '127.0.0.1').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return `${address.includes(':') ? `[${address}]` : address}:${socket.localPort}`;
}

/** An answer in the API's error shape, through Node's response (so keep-alive and order are Node's). */
function answerError(res: ServerResponse, status: number, detail: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(errorBody(status, detail));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/**
 * The mock's HTTP server: @hono/node-server's request listener behind a few checks that make
 * every request answered, in order, in the API's error shape, on Node's own options and events:
 *
 * - parser refusals (`clientError`), also on a connection that already served requests: see client-error.ts;
 * - a request target that is not a path (`OPTIONS *`, `GET *`): 400;
 * - HTTP/1.1 without `Host`: 400 (Node's `requireHostHeader` would answer an empty 400); HTTP/1.0
 *   without it is served as addressed to the mock's own address and port (paging links keep the port);
 * - an `Expect` other than `100-continue` (`checkExpectation`): 417 (`100-continue` is Node's: 100, then the request);
 * - `CONNECT` (`connect`): 405 with `Allow`, the connection closed;
 * - what @hono/node-server refuses itself (an invalid Host, a backslash in the path): 400 (its `errorHandler`);
 * - an answer written before its request's body has arrived: `Connection: close` (MockResponse);
 * - request bodies are read from Node's request (http/body.ts), never through @hono/node-server's
 *   body stream (`autoCleanupIncoming: false`): what is not read is discarded as it arrives, and
 *   nothing destroys the socket half a second after an answer.
 */
export function createMockServer({ fetch, logError, idleSocketMs = IDLE_SOCKET_MS }: MockServerOptions): Server {
  const listener = getRequestListener(fetch as Parameters<typeof getRequestListener>[0], {
    autoCleanupIncoming: false,
    errorHandler: (error) => {
      if (error instanceof RequestError) return errorShape(400, `The request cannot be read as a URL: ${error.message}.`);
      logError?.(`unexpected error answering a request: ${oneLine(error)}`);
      return errorShape(500, 'The mock failed unexpectedly; this is a bug in the mock.');
    },
  });
  const server = createServer(
    {
      ServerResponse: MockResponse as typeof ServerResponse,
      maxHeaderSize: MAX_HEADER_BYTES,
      requireHostHeader: false,
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
    },
    (req, res) => {
      // After an answer that closes the connection: neither carried out nor answered (RFC 9112 §9.6).
      if (isClosing(req.socket)) {
        req.resume();
        return;
      }
      const target = req.url!;
      if (target.charCodeAt(0) !== 47 /* / */ && !/^https?:\/\//i.test(target)) {
        return answerError(res, 400, `The request target ${JSON.stringify(target)} is not a path; the mock serves /api/..., /oauth/token and /__mock/...`);
      }
      if (!req.headers.host) {
        if (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1) {
          return answerError(res, 400, 'An HTTP/1.1 request must carry a Host header (RFC 9112, section 3.2).');
        }
        req.headers.host = localAuthority(req.socket);
      }
      void listener(req, res);
    },
  );
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    answerError(res, 417, `The expectation ${JSON.stringify(req.headers.expect)} cannot be met; the mock understands only "100-continue".`);
  });
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    socket.on('error', () => socket.destroy()); // Node no longer listens on it
    socket.write(rawErrorAnswer(405, 'CONNECT is not allowed: the mock is not a proxy.', { Allow: SERVED_METHODS }));
    closeGently(socket);
  });
  // With no 'timeout' listener, Node destroys a socket idle for this long.
  server.timeout = idleSocketMs;
  answerClientErrors(server);
  return server;
}

const errorShape = (status: number, detail: string): Response =>
  new Response(JSON.stringify(errorBody(status, detail)), { status, headers: { 'content-type': 'application/json' } });
