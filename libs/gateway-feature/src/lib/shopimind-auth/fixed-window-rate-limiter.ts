import type { RateLimitOptions } from '../gateway-feature.options';

export type RateLimitVerdict =
  | { allowed: true }
  /** `firstRefusal`: the first request refused in this window (log once, not per request). */
  | { allowed: false; retryAfterSeconds: number; firstRefusal: boolean };

interface Window {
  startedAt: number;
  count: number;
}

/** Enough for every real caller; beyond it the oldest windows are dropped (bounded memory under a spray). */
export const DEFAULT_MAX_TRACKED_CLIENTS = 10_000;

/**
 * Per-key fixed windows, in memory, per process. A Map keeps insertion order and a key is re-inserted when
 * its window restarts, so the windows sit in start order: the ended ones are always at the front.
 */
export class FixedWindowRateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly options: RateLimitOptions,
    private readonly maxTrackedClients: number = DEFAULT_MAX_TRACKED_CLIENTS,
  ) {
    if (!(options.limit >= 1 && options.windowMs >= 1 && maxTrackedClients >= 1)) {
      throw new Error('FixedWindowRateLimiter: limit, windowMs and maxTrackedClients must be at least 1');
    }
  }

  /** Counts one request of `key` at `nowMs`. */
  hit(key: string, nowMs: number): RateLimitVerdict {
    this.evictEnded(nowMs);
    let window = this.windows.get(key);
    if (window && nowMs >= window.startedAt + this.options.windowMs) {
      this.windows.delete(key);
      window = undefined;
    }
    if (!window) {
      if (this.windows.size >= this.maxTrackedClients) {
        // Full of live windows: forgetting the oldest only ever lets a client through early, never blocks one.
        this.windows.delete(this.windows.keys().next().value as string);
      }
      window = { startedAt: nowMs, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= this.options.limit) {
      return { allowed: true };
    }
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((window.startedAt + this.options.windowMs - nowMs) / 1000)),
      firstRefusal: window.count === this.options.limit + 1,
    };
  }

  /** How many clients are tracked right now. */
  get size(): number {
    return this.windows.size;
  }

  private evictEnded(nowMs: number): void {
    for (const [key, window] of this.windows) {
      if (nowMs < window.startedAt + this.options.windowMs) {
        // Later windows started later (a clock stepping back aside: `hit` and the size cap cover that).
        return;
      }
      this.windows.delete(key);
    }
  }
}
