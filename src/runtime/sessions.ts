import { isDotSegment } from '../domain/ids.js';
import type { MockWorld } from './world.js';

/** What a session name may be: short and safe in a header, a URL path and a log line. */
export const SESSION_NAME = /^[A-Za-z0-9._-]{1,64}$/;
export const SESSION_HEADER = 'x-mock-session';
export const DEFAULT_MAX_SESSIONS = 100;
export const DEFAULT_SESSION_TTL_MS = 30 * 60_000;

/** A session name that is not one (400). */
export class SessionNameError extends Error {
  override name = 'SessionNameError';
}

/** No room for another session (429). */
export class SessionLimitError extends Error {
  override name = 'SessionLimitError';
  constructor(
    message: string,
    /** When the least recently used session expires and its place is free. */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** A session made explicitly while one of that name exists (409). */
export class SessionExistsError extends Error {
  override name = 'SessionExistsError';
}

export interface SessionInfo {
  name: string;
  /** The default session: requests without the header; it never expires. */
  default: boolean;
  clients: number;
  faults: number;
  journal: number;
  /** When a request last used it (ISO 8601). */
  lastUsed: string;
}

interface Entry {
  world: MockWorld;
  lastUsed: number;
}

export interface SessionLimits {
  max: number;
  ttlMs: number;
  now: () => number;
}

/**
 * The sessions of one mock: the default world, and named worlds made on first use (or on
 * request), each a whole isolated mock. Finding one is a Map lookup. Bounded: at most `max`
 * named sessions; one idle for longer than `ttlMs` ends, least recently used first, when room is
 * needed or the sessions are listed.
 */
export class Sessions {
  /** Least recently used first: a use moves an entry to the end. */
  private readonly named = new Map<string, Entry>();
  private defaultLastUsed: number;
  private changes = 0;

  constructor(
    readonly defaultWorld: MockWorld,
    private readonly make: (name: string, scenario?: string) => MockWorld,
    private readonly limits: SessionLimits,
  ) {
    this.defaultLastUsed = limits.now();
  }

  /** The world of a request: the default one without a name, else the named session (made if new). */
  world(name: string | undefined): MockWorld {
    if (name === undefined) {
      this.defaultLastUsed = this.limits.now();
      return this.defaultWorld;
    }
    const entry = this.named.get(name);
    if (entry) {
      entry.lastUsed = this.limits.now();
      this.named.delete(name);
      this.named.set(name, entry);
      return entry.world;
    }
    return this.create(name);
  }

  /** Makes a session, empty of requests, from the mock's starting data or a scenario. */
  create(name: string, scenario?: string): MockWorld {
    checkName(name);
    if (this.named.has(name)) throw new SessionExistsError(`A session named "${name}" exists; DELETE /__mock/sessions/${name} ends it.`);
    this.expire();
    if (this.named.size >= this.limits.max) {
      // The first entry is the least recently used (a use moves a session to the end): it expires first.
      const oldest = this.named.values().next().value!.lastUsed;
      throw new SessionLimitError(
        `The mock holds ${this.named.size} sessions, its limit (--max-sessions); end one with DELETE /__mock/sessions/{name} or wait for one to be idle for ${spokenDuration(this.limits.ttlMs)} (--session-ttl).`,
        Math.max(1, Math.ceil((oldest + this.limits.ttlMs - this.limits.now()) / 1000)),
      );
    }
    const world = this.make(name, scenario);
    this.named.set(name, { world, lastUsed: this.limits.now() });
    this.changes++;
    return world;
  }

  /** Ends a named session; false when there is none. */
  delete(name: string): boolean {
    if (!this.named.delete(name)) return false;
    this.changes++;
    return true;
  }

  get size(): number {
    return this.named.size;
  }

  /** Bumped when a session is made or ends: a reader that saw the same version saw the same names. */
  get version(): number {
    return this.changes;
  }

  list(): SessionInfo[] {
    this.expire();
    const info = (name: string, world: MockWorld, lastUsed: number, isDefault: boolean): SessionInfo => ({
      name,
      default: isDefault,
      clients: world.store.count(),
      faults: world.faults.list().length,
      journal: world.journal.size,
      lastUsed: new Date(lastUsed).toISOString(),
    });
    return [info('default', this.defaultWorld, this.defaultLastUsed, true), ...[...this.named].map(([name, e]) => info(name, e.world, e.lastUsed, false))];
  }

  /** Ends the sessions idle for longer than the time to live (the oldest are first in the map). */
  private expire(): void {
    const cutoff = this.limits.now() - this.limits.ttlMs;
    for (const [name, entry] of this.named) {
      if (entry.lastUsed > cutoff) break;
      this.named.delete(name);
      this.changes++;
    }
  }
}

/** A header value as a session name: undefined without one, SessionNameError for a bad one. */
export function sessionName(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  checkName(header);
  return header;
}

function checkName(name: string): void {
  if (!SESSION_NAME.test(name)) {
    throw new SessionNameError(`A session name is 1 to 64 of A-Z, a-z, 0-9, ".", "_" and "-"; got ${JSON.stringify(name.slice(0, 80))}.`);
  }
  if (name.toLowerCase() === 'default') throw new SessionNameError('"default" names the session of requests without the header; choose another name.');
  // A URL path resolves them away: DELETE /__mock/sessions/.. could never name the session.
  if (isDotSegment(name)) throw new SessionNameError(`"${name}" cannot be a session name: in a URL path it means a folder, not a name.`);
}

/** 90 s, 30 min, 2 h: a duration as --session-ttl takes it, in its largest whole unit. */
export function spokenDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}
