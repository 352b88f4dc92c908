import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { DataFileError } from './errors.js';

/**
 * `<data file>.lock`, created exclusively (O_EXCL) while a mock uses the file: two mocks on one
 * file would each write their own state over the other's, and the file would hold whichever
 * wrote last. It holds the holder's pid and host. A lock whose process is gone (a mock killed
 * with -9) is stale and taken over; so is one from another host, whose process cannot be asked
 * (two containers on one volume are both pid 1 on hosts of their own).
 */
export interface DataFileLock {
  readonly path: string;
  /** Removes the lock file; idempotent. */
  release(): void;
}

interface Holder {
  pid: number;
  host: string;
}

/** Data files locked by this process (resolved paths), released at exit if a mock was never closed. */
const held = new Map<string, string>();
let exitHookInstalled = false;

export function lockDataFile(file: string): DataFileLock {
  const lockPath = `${file}.lock`;
  if (held.has(file)) throw new DataFileError(`cannot use data file ${file}: another mock of this process uses it (give each its own data file)`);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      try {
        writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname() } satisfies Holder));
      } finally {
        closeSync(fd);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw new DataFileError(`cannot lock data file ${file}: ${(error as Error).message}`);
    }
    const holder = readHolder(lockPath);
    if (holder && holder.host === hostname() && holder.pid !== process.pid && isAlive(holder.pid)) {
      throw new DataFileError(`cannot use data file ${file}: the mock with pid ${holder.pid} uses it; stop that one, or give this one another data file (the lock is ${lockPath})`);
    }
    rmSync(lockPath, { force: true }); // stale: its process is gone, or it is this pid's from an earlier life
  }
  held.set(file, lockPath);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const path of held.values()) rmSync(path, { force: true });
    });
  }
  return {
    path: lockPath,
    release() {
      if (held.get(file) !== lockPath) return;
      held.delete(file);
      rmSync(lockPath, { force: true });
    },
  };
}

function readHolder(lockPath: string): Holder | undefined {
  try {
    const value = JSON.parse(readFileSync(lockPath, 'utf8')) as Partial<Holder>;
    return Number.isSafeInteger(value.pid) && typeof value.host === 'string' ? (value as Holder) : undefined;
  } catch {
    return undefined; // unreadable or half-written: a holder that crashed while writing it
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, but another user's
  }
}
