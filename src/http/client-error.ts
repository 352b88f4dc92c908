import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorBody } from './errors.js';

/**
 * Requests Node's HTTP parser refuses never reach the app; Node would answer them with a bare
 * status line and no body. Answer them in the API's error shape instead, with the same statuses
 * (431 for a request line and headers over 16 KiB, 408 for a request that did not arrive in
 * time, 400 for anything else that is not valid HTTP), and close the connection as Node does.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex & { bytesWritten?: number }) => {
    if (error.code === 'ECONNRESET' || !socket.writable || (socket.bytesWritten ?? 0) > 0) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const detail =
      status === 431
        ? 'The request line and headers are larger than 16 KiB.'
        : status === 408
          ? 'The request did not arrive in time.'
          : `The request is not valid HTTP${error.code ? ` (${error.code})` : ''}.`;
    const body = JSON.stringify(errorBody(status, detail));
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
