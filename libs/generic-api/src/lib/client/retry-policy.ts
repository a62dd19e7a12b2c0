/** Waits `ms`, rejecting early with the signal's reason when it aborts. Injectable so tests never really wait. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** A number in [0, 1); `Math.random` outside tests. */
  random: () => number;
}

/** However long a store asks us to wait, one retry never waits more than this. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Delay before retry number `retry` (1-based): exponential, capped, with "equal jitter"
 * (half fixed, half random) so many workers hitting one store do not retry in lockstep (spec §3).
 */
export function backoffDelayMs(retry: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + (options.random() * ceiling) / 2);
}

/**
 * `Retry-After` as delta-seconds, capped at one minute. The HTTP-date form is not read yet:
 * the caller falls back to exponential backoff for it.
 */
export function parseRetryAfterMs(header: string | null): number | undefined {
  if (header === null || !/^\s*\d+\s*$/.test(header)) {
    return undefined;
  }
  return Math.min(Number(header.trim()) * 1000, MAX_RETRY_AFTER_MS);
}
