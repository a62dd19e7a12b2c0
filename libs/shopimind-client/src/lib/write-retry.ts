import { backoffDelayMs } from '@storebridge/retry';
import type { WriteOutcome } from './write-outcome';

/** How the adapter retries a ShopiMind write itself before handing the outcome back (spec §9 "Errors"). */
export interface WriteRetryOptions {
  /** Calls in all, the first included (default 4). */
  maxAttempts?: number;
  /** Ceiling of the first backoff (default 200 ms); it doubles on every retry. */
  baseMs?: number;
  /** No backoff grows past this (default 10 s); a longer `Retry-After` still wins, up to MAX_RETRY_AFTER_MS. */
  maxMs?: number;
  /** Injectable so tests never really wait. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1); `Math.random` outside tests. */
  random?: () => number;
  /** Called before each wait: `attempt` is the 1-based number of the call that just failed. */
  onRetry?: (attempt: number, outcome: WriteOutcome, delayMs: number) => void;
}

export type WriteRetryPolicy = Required<Omit<WriteRetryOptions, 'onRetry'>> &
  Pick<WriteRetryOptions, 'onRetry'>;

export const DEFAULT_WRITE_RETRY: Omit<WriteRetryPolicy, 'onRetry'> = {
  maxAttempts: 4,
  baseMs: 200,
  maxMs: 10_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

function requirePositive(name: string, value: number, integer: boolean): number {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new RangeError(
      `write retry option ${name} must be a positive ${integer ? 'integer' : 'number'}, got ${value}`,
    );
  }
  return value;
}

export function writeRetryPolicy(options: WriteRetryOptions = {}): WriteRetryPolicy {
  const policy = { ...DEFAULT_WRITE_RETRY, ...options };
  requirePositive('maxAttempts', policy.maxAttempts, true);
  requirePositive('baseMs', policy.baseMs, false);
  requirePositive('maxMs', policy.maxMs, false);
  return policy;
}

/**
 * Only answers that promise nothing was applied, or a retry that changes nothing if it was: every bulk
 * write is keyed by natural ids (upserts, idempotent deletes). 401 and 4xx answers would only repeat.
 */
export function isRetryable(outcome: WriteOutcome): boolean {
  switch (outcome.kind) {
    case 'rate_limited':
    case 'transient':
      return true;
    case 'accepted':
    case 'not_active':
    case 'permanent':
      return false;
  }
}

/** The backoff, but never shorter than what the answer's `Retry-After` asked for (already capped). */
export function retryDelayMs(retry: number, outcome: WriteOutcome, policy: WriteRetryPolicy): number {
  // Equal jitter, so the writers of many installations do not retry in lockstep.
  const backoff = backoffDelayMs(retry, policy);
  const asked = 'retryAfterMs' in outcome ? outcome.retryAfterMs : undefined;
  return asked === undefined ? backoff : Math.max(asked, backoff);
}

/**
 * Runs `attempt` until its outcome is final or `maxAttempts` calls were made, and returns the last result:
 * a write still failing then goes back to the caller, whose message the bus redelivers later.
 */
export async function retryWrite<T>(
  attempt: () => Promise<T>,
  outcomeOf: (result: T) => WriteOutcome,
  policy: WriteRetryPolicy,
): Promise<T> {
  for (let call = 1; ; call += 1) {
    const result = await attempt();
    const outcome = outcomeOf(result);
    if (call >= policy.maxAttempts || !isRetryable(outcome)) {
      return result;
    }
    const delayMs = retryDelayMs(call, outcome, policy);
    policy.onRetry?.(call, outcome, delayMs);
    await policy.sleep(delayMs);
  }
}
