import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AppEnv } from '../http/env.js';
import type { MockRuntime } from '../runtime/mock-runtime.js';
import type { ChangeVersions } from '../runtime/world.js';

/** How often a stream looks at the versions: changes reach the dashboard within this, bursts become one event. */
export const CHANGE_CHECK_MS = 200;
/** A comment line this often keeps proxies and idle timeouts from closing a quiet stream. */
export const HEARTBEAT_MS = 15_000;

/**
 * GET /__mock/events: server-sent events for the request's session. The first event is a
 * `change` with the current versions; another follows whenever the session's data, journal or
 * fault rules change (API traffic, the control API, another tab) or a session is made or ends.
 * Reading a few counters per stream and tick costs nothing on the request path, which is
 * never touched. The stream ends when the client goes (or the server closes).
 */
export function changeFeed(runtime: MockRuntime, options: { checkMs?: number; heartbeatMs?: number } = {}) {
  const checkMs = options.checkMs ?? CHANGE_CHECK_MS;
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  return (c: Context<AppEnv>) => {
    const world = c.get('world');
    return streamSSE(c, async (stream) => {
      let sent = '';
      let lastWrite = Date.now();
      while (!stream.aborted && !stream.closed) {
        const versions: ChangeVersions = { ...world.versions, sessions: runtime.sessions.version };
        const data = JSON.stringify(versions);
        if (data !== sent) {
          // `retry` tells EventSource clients how soon to reconnect after a drop.
          await stream.writeSSE({ event: 'change', data, ...(sent === '' ? { retry: 1000 } : {}) });
          sent = data;
          lastWrite = Date.now();
        } else if (Date.now() - lastWrite >= heartbeatMs) {
          await stream.write(': heartbeat\n\n');
          lastWrite = Date.now();
        }
        await stream.sleep(checkMs);
      }
    });
  };
}
