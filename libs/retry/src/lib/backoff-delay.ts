export interface BackoffDelayOptions {
  /** The delay before the first retry (its ceiling, with `random`). */
  baseMs: number;
  /** No delay grows past this. */
  maxMs: number;
  /** A number in [0, 1); given, the delay gets "equal jitter". */
  random?: () => number;
}

/**
 * Delay before retry number `attempt` (1-based): `baseMs` doubling on every attempt, capped at `maxMs`.
 * With `random`, half of that is fixed and half random ("equal jitter"), so many workers failing on one
 * server do not retry in lockstep; without it, the plain doubling (the bus's redeliveries).
 */
export function backoffDelayMs(attempt: number, options: BackoffDelayOptions): number {
  // Past 2^31 the doubling only matters as "more than the cap", and never overflows to Infinity.
  const exponent = Math.min(Math.max(0, attempt - 1), 31);
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  if (options.random === undefined) {
    return ceiling;
  }
  return Math.round(ceiling / 2 + (options.random() * ceiling) / 2);
}
