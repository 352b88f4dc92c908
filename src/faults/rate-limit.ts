/** The length of a rate-limit window: the tiers are "requests per minute". */
export const RATE_WINDOW_MS = 60_000;

/**
 * Fixed one-minute windows per key (identity and tier). A window opens with the key's first
 * request and lasts 60 s; within it the first `limit` requests pass and the others are refused
 * with the whole seconds left until it closes (at least 1), for `retry-after`.
 * Refused requests do not count. Pure: the clock is injected.
 */
export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly now: () => number) {}

  /** Counts one request; undefined when it may pass, else the seconds to wait. */
  hit(key: string, limit: number): number | undefined {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now - window.start >= RATE_WINDOW_MS) {
      if (this.windows.size >= 10_000) this.prune(now);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count >= limit) return Math.max(1, Math.ceil((window.start + RATE_WINDOW_MS - now) / 1000));
    window.count++;
    return undefined;
  }

  clear(): void {
    this.windows.clear();
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) if (now - window.start >= RATE_WINDOW_MS) this.windows.delete(key);
  }
}

/** Rate limiting in force: requests per minute by tier, overriding the document's where given. */
export interface RateLimitSettings {
  tiers: Record<string, number>;
}

/**
 * One mock's rate limits: whether they are in force (and at which tiers), and the windows
 * counting requests. `limitFor` is undefined while they are off, so the request path skips them.
 */
export class RateLimits {
  private readonly limiter: RateLimiter;

  constructor(
    now: () => number,
    /** Undefined while rate limiting is off. */
    public settings: RateLimitSettings | undefined,
  ) {
    this.limiter = new RateLimiter(now);
  }

  get enabled(): boolean {
    return this.settings !== undefined;
  }

  /** The requests per minute allowed for an operation's tier, or undefined while off (or for an operation without a tier). */
  limitFor(tier: { tier: string; limit: number } | undefined): number | undefined {
    if (!this.settings || !tier) return undefined;
    return this.settings.tiers[tier.tier] ?? tier.limit;
  }

  /** Counts one request of `who` on `tier`; the seconds to wait when over `limit`. */
  hit(who: string, tier: string, limit: number): number | undefined {
    return this.limiter.hit(`${who}\u0000${tier}`, limit);
  }

  /** New settings (or off), with fresh windows. */
  set(settings: RateLimitSettings | undefined): void {
    this.settings = settings;
    this.limiter.clear();
  }
}
