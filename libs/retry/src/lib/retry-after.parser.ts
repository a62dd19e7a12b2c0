/** However long a server asks us to wait, one retry never waits more than this. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * `Retry-After` in milliseconds, either form of RFC 9110 §10.2.3: delta-seconds or an HTTP date (a date
 * already past means "now"). Capped at MAX_RETRY_AFTER_MS; undefined when absent or unreadable.
 */
export function parseRetryAfterMs(
  header: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (header === null || header === undefined) {
    return undefined;
  }
  const value = header.trim();
  if (/^\d+$/.test(value)) {
    return Math.min(Number(value) * 1000, MAX_RETRY_AFTER_MS);
  }
  // Every HTTP date form starts with the day name; Date.parse alone would take "-1" or "1.5" for dates.
  // The asctime form names no zone, but every HTTP date is in GMT (Date.parse would take local time).
  const date = /^[A-Za-z]{3}/.test(value)
    ? Date.parse(/\d{4}$/.test(value) ? `${value} GMT` : value)
    : Number.NaN;
  if (Number.isNaN(date)) {
    return undefined;
  }
  return Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}
