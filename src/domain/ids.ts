import { createHash, randomBytes } from 'node:crypto';

/** Sources of randomness and time, injectable so seeds and tests can make them repeatable. */
export interface Entropy {
  /** `n` random bytes as lowercase hex. */
  hex(bytes: number): string;
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemEntropy: Entropy = {
  hex: (bytes) => randomBytes(bytes).toString('hex'),
  now: () => Date.now(),
};

/** A client id: 32 lowercase hex characters, like the real service's. */
export const newClientId = (entropy: Entropy): string => entropy.hex(16);

/**
 * Timestamps with microseconds (`2025-11-06T14:30:00.123456Z`), as the real API writes them.
 * Strictly increasing within a process, so "oldest first" is the order of creation even
 * when two clients are created in the same millisecond.
 */
export class Clock {
  private lastMicros = 0;

  constructor(private readonly entropy: Entropy = systemEntropy) {}

  /** Never hand out a time at or before one already used (e.g. by loaded data). */
  observe(timestamp: string): void {
    const micros = parseTimestampMicros(timestamp);
    if (micros > this.lastMicros) this.lastMicros = micros;
  }

  next(): string {
    const micros = Math.max(this.entropy.now() * 1000, this.lastMicros + 1);
    this.lastMicros = micros;
    return formatMicros(micros);
  }
}

export function formatMicros(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const extra = String(micros % 1000).padStart(3, '0');
  return new Date(ms).toISOString().replace('Z', `${extra}Z`);
}

export function parseTimestampMicros(timestamp: string): number {
  const m = /^(.*?)(?:\.(\d+))?Z$/.exec(timestamp);
  if (!m) return 0;
  const seconds = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(seconds)) return 0;
  const fraction = (m[2] ?? '').padEnd(6, '0').slice(0, 6);
  return seconds * 1000 + Number(fraction);
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** `.` and `..`: path segments URL parsing resolves away, so nothing named so could be addressed in a URL. */
export const isDotSegment = (name: string): boolean => name === '.' || name === '..';
