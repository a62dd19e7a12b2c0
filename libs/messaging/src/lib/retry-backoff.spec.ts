import { retryDelayMs } from './retry-backoff';

describe('retryDelayMs', () => {
  const backoff = { initialMs: 1_000, maxMs: 60_000 };

  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [6, 32_000],
    [7, 60_000],
    [1_000, 60_000],
  ])('waits before redelivery after a failure on attempt %i: %i ms', (attempt, delay) => {
    expect(retryDelayMs(attempt, backoff)).toBe(delay);
  });
});
