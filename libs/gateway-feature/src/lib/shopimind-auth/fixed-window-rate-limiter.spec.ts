import { FixedWindowRateLimiter } from './fixed-window-rate-limiter';

const WINDOW_MS = 60_000;
const T0 = 1_800_000_000_000;

/** Hits `key` `times` times at `at` and returns how many were allowed. */
function allowedOf(limiter: FixedWindowRateLimiter, key: string, times: number, at: number): number {
  return Array.from({ length: times }, () => limiter.hit(key, at)).filter((verdict) => verdict.allowed)
    .length;
}

describe('FixedWindowRateLimiter', () => {
  it('allows `limit` requests per window and refuses the next with the seconds left in the window', () => {
    const limiter = new FixedWindowRateLimiter({ limit: 3, windowMs: WINDOW_MS });

    expect(allowedOf(limiter, 'a', 3, T0)).toBe(3);
    expect(limiter.hit('a', T0 + 20_500)).toEqual({
      allowed: false,
      retryAfterSeconds: 40,
      firstRefusal: true,
    });
    expect(limiter.hit('a', T0 + 59_999)).toEqual({
      allowed: false,
      retryAfterSeconds: 1,
      firstRefusal: false,
    });
  });

  it('starts a fresh window once the previous one has ended', () => {
    const limiter = new FixedWindowRateLimiter({ limit: 2, windowMs: WINDOW_MS });
    allowedOf(limiter, 'a', 5, T0);

    expect(allowedOf(limiter, 'a', 3, T0 + WINDOW_MS)).toBe(2);
  });

  it('keeps each key apart', () => {
    const limiter = new FixedWindowRateLimiter({ limit: 2, windowMs: WINDOW_MS });

    expect(allowedOf(limiter, 'a', 3, T0)).toBe(2);
    expect(allowedOf(limiter, 'b', 3, T0 + 1)).toBe(2);
    expect(allowedOf(limiter, 'a', 1, T0 + 2)).toBe(0);
  });

  it('forgets the clients whose window has ended', () => {
    const limiter = new FixedWindowRateLimiter({ limit: 5, windowMs: WINDOW_MS });
    for (let client = 0; client < 100; client++) {
      limiter.hit(`10.0.0.${client}`, T0 + client);
    }
    expect(limiter.size).toBe(100);

    limiter.hit('10.0.1.1', T0 + WINDOW_MS + 50);

    expect(limiter.size).toBe(50);
  });

  it('never tracks more clients than its cap, dropping the oldest windows first', () => {
    const limiter = new FixedWindowRateLimiter({ limit: 1, windowMs: WINDOW_MS }, 3);
    for (let client = 0; client < 1000; client++) {
      limiter.hit(`client-${client}`, T0 + client);
      expect(limiter.size).toBeLessThanOrEqual(3);
    }

    // The newest clients are still counted; the oldest one was forgotten.
    expect(limiter.hit('client-999', T0 + 1000).allowed).toBe(false);
    expect(limiter.hit('client-0', T0 + 1000).allowed).toBe(true);
  });

  it('starts a new window for a client whose window ended even when an older one is still tracked', () => {
    const limiter = new FixedWindowRateLimiter({ limit: 1, windowMs: WINDOW_MS });
    // A clock stepping back puts a later window in front of an earlier one.
    limiter.hit('late', T0 + 30_000);
    limiter.hit('early', T0);

    expect(limiter.hit('early', T0 + WINDOW_MS).allowed).toBe(true);
  });

  it.each([
    [{ limit: 0, windowMs: WINDOW_MS }, 10],
    [{ limit: 1, windowMs: 0 }, 10],
    [{ limit: 1, windowMs: WINDOW_MS }, 0],
  ])('refuses a configuration that could never allow anything: %p, cap %p', (options, cap) => {
    expect(() => new FixedWindowRateLimiter(options, cap)).toThrow(/at least 1/);
  });
});
