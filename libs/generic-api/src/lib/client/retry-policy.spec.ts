import { backoffDelayMs, MAX_RETRY_AFTER_MS, parseRetryAfterMs } from './retry-policy';

describe('backoffDelayMs', () => {
  const options = { baseMs: 100, maxMs: 1_000 };

  it.each([
    [1, 0, 50],
    [1, 0.999_999, 100],
    [2, 0, 100],
    [3, 0.5, 300],
    [4, 0, 400],
    [5, 0, 500],
    [10, 0.999_999, 1_000],
  ])('waits retry %i with random %d for %i ms', (retry, random, expected) => {
    expect(backoffDelayMs(retry, { ...options, random: () => random })).toBe(expected);
  });
});

describe('parseRetryAfterMs', () => {
  it.each<[string | null, number | undefined]>([
    ['0', 0],
    ['3', 3_000],
    [' 12 ', 12_000],
    ['60', 60_000],
    ['61', MAX_RETRY_AFTER_MS],
    ['86400', MAX_RETRY_AFTER_MS],
    [null, undefined],
    ['', undefined],
    ['-1', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['Wed, 21 Oct 2015 07:28:00 GMT', undefined],
  ])('reads %p as %p ms', (header, expected) => {
    expect(parseRetryAfterMs(header)).toBe(expected);
  });
});
