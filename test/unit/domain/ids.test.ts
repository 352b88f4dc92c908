import { describe, expect, it } from 'vitest';
import { Clock, formatMicros, parseTimestampMicros } from '../../../src/domain/ids.js';

describe('Clock', () => {
  it('writes microsecond timestamps that strictly increase within one millisecond', () => {
    const clock = new Clock({ hex: () => '', now: () => Date.UTC(2025, 10, 6, 14, 30) });
    const a = clock.next();
    const b = clock.next();
    expect(a).toBe('2025-11-06T14:30:00.000000Z');
    expect(b).toBe('2025-11-06T14:30:00.000001Z');
  });

  it('never hands out a time at or before one it observed', () => {
    const clock = new Clock({ hex: () => '', now: () => Date.UTC(2020, 0, 1) });
    clock.observe('2025-11-06T14:30:00.123456Z');
    expect(clock.next()).toBe('2025-11-06T14:30:00.123457Z');
  });

  it('round-trips timestamps', () => {
    const micros = parseTimestampMicros('2025-11-06T14:30:00.123456Z');
    expect(formatMicros(micros)).toBe('2025-11-06T14:30:00.123456Z');
    expect(parseTimestampMicros('garbage')).toBe(0);
  });
});
