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

/** Lock files held by this process, removed at exit if a mock was never closed. */
const held = new Set<string>();
let exitHookInstalled = false;

export function lockDataFile(file: string): DataFileLock {
  const lockPath = `${file}.lock`;
  if (held.has(lockPath)) throw new DataFileError(`cannot use data file ${file}: another mock of this process uses it (give each its own data file)`);
  if (!createLock(file, lockPath)) {
    const holder = readHolder(lockPath);
    if (holder && holder.host === hostname() && holder.pid !== process.pid && isAlive(holder.pid)) {
      throw new DataFileError(`cannot use data file ${file}: the mock with pid ${holder.pid} uses it; stop that one, or give this one another data file (the lock is ${lockPath})`);
    }
    rmSync(lockPath, { force: true }); // stale: its process is gone, or it is this pid's from an earlier life
    if (!createLock(file, lockPath)) throw new DataFileError(`cannot lock data file ${file}: another mock took ${lockPath} meanwhile`);
  }
  held.add(lockPath);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const path of held) rmSync(path, { force: true });
    });
  }
  let released = false;
  return {
    path: lockPath,
    release() {
      if (released) return;
      released = true;
      held.delete(lockPath);
      rmSync(lockPath, { force: true });
    },
  };
}

/** Creates the lock file holding this process (false when one exists). */
function createLock(file: string, lockPath: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new DataFileError(`cannot lock data file ${file}: ${(error as Error).message}`);
  }
  try {
    writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname() } satisfies Holder));
  } catch (error) {
    rmSync(lockPath, { force: true });
    throw new DataFileError(`cannot lock data file ${file}: ${(error as Error).message}`);
  } finally {
    closeSync(fd);
  }
  return true;
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
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, but another user's
  }
  return !isZombie(pid);
}

/** A killed process its parent has not reaped yet (no init in a container): dead, though signals reach it (Linux's /proc). */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name, which is in parentheses and may hold any character.
    return stat[stat.lastIndexOf(')') + 2] === 'Z';
  } catch {
    return false; // no /proc (macOS, Windows): as alive as kill says
  }
}
