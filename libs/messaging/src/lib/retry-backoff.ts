import { RetryBackoffOptions } from './messaging.options';

/** Delay before redelivering a message whose handler failed on delivery `attempt` (1 = first delivery). */
export function retryDelayMs(attempt: number, backoff: RetryBackoffOptions): number {
  const exponent = Math.max(0, attempt - 1);
  // Past 2^31 the doubling only matters as "more than the cap".
  return Math.min(backoff.initialMs * 2 ** Math.min(exponent, 31), backoff.maxMs);
}
