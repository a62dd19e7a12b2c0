import { parseRetryAfterMs } from '@storebridge/retry';
import { checkOf } from './check-builders';
import { ConformanceCheck } from './conformance-report';
import { ObservedResponse } from './store-probing';

// Rate limiting, judged from the answers to the other checks: the doctor sends no extra requests to provoke a 429.

export function rateLimitCheck(observed: readonly ObservedResponse[]): ConformanceCheck {
  const limited = observed.filter((response) => response.status === 429);
  if (limited.length === 0) {
    return checkOf(
      'rate_limit',
      'not_observed',
      `Sent ${observed.length} requests; the store never rate limited them, so how it says when to retry was not observed.`,
    );
  }
  // Seconds or an HTTP date (RFC 9110 §10.2.3), read as the store client reads it.
  const usable = limited.filter(
    (response) => parseRetryAfterMs(response.retryAfter, response.at) !== undefined,
  );
  if (usable.length === limited.length) {
    return checkOf(
      'rate_limit',
      'pass',
      `${limited.length} of ${observed.length} requests answered 429, each with a usable Retry-After; the sync waits that long, holding every request to the store.`,
    );
  }
  const missing = limited.filter((response) => response.retryAfter === null).length;
  const unreadable = limited.length - usable.length - missing;
  const what = [
    missing > 0 ? `${missing} without Retry-After` : '',
    unreadable > 0 ? `${unreadable} with an unreadable Retry-After` : '',
  ].filter((part) => part !== '');
  return checkOf(
    'rate_limit',
    'warn',
    `${limited.length} of ${observed.length} requests answered 429, ${what.join(' and ')}; the sync falls back to exponential backoff.`,
    'Send "Retry-After: <seconds>" (or an HTTP date) with every 429 so clients wait exactly as long as needed.',
  );
}
