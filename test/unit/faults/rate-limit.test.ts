import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../src/faults/rate-limit.js';

describe('RateLimiter', () => {
  it('lets `limit` requests through per one-minute window, then answers the seconds left', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(() => now);
    expect(limiter.hit('k', 3)).toBeUndefined();
    expect(limiter.hit('k', 3)).toBeUndefined();
    now += 10_500;
    expect(limiter.hit('k', 3)).toBeUndefined();
    expect(limiter.hit('k', 3)).toBe(50); // 49.5 s left, rounded up
    now += 49_000;
    expect(limiter.hit('k', 3)).toBe(1);
    now += 500; // the window (60 s from its first request) is over
    expect(limiter.hit('k', 3)).toBeUndefined();
  });

  it('keeps keys apart and forgets everything on clear', () => {
    const limiter = new RateLimiter(() => 0);
    expect(limiter.hit('a', 1)).toBeUndefined();
    expect(limiter.hit('b', 1)).toBeUndefined();
    expect(limiter.hit('a', 1)).toBe(60);
    limiter.clear();
    expect(limiter.hit('a', 1)).toBeUndefined();
  });
});
