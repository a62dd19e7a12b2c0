import { backoffDelayMs, BackoffDelayOptions } from './backoff-delay';

describe('backoffDelayMs', () => {
  describe('with equal jitter (store client, ShopiMind writer)', () => {
    it.each<[string, Omit<BackoffDelayOptions, 'random'>, number, number, number]>([
      // label, options, attempt, random, expected: half of the ceiling fixed, half random.
      ['store client', { baseMs: 100, maxMs: 1_000 }, 1, 0, 50],
      ['store client', { baseMs: 100, maxMs: 1_000 }, 1, 0.999_999, 100],
      ['store client', { baseMs: 100, maxMs: 1_000 }, 2, 0, 100],
      ['store client', { baseMs: 100, maxMs: 1_000 }, 3, 0.5, 300],
      ['store client', { baseMs: 100, maxMs: 1_000 }, 4, 0, 400],
      ['store client', { baseMs: 100, maxMs: 1_000 }, 5, 0, 500],
      ['store client', { baseMs: 100, maxMs: 1_000 }, 10, 0.999_999, 1_000],
      ['writer', { baseMs: 200, maxMs: 10_000 }, 1, 0.5, 150],
      ['writer', { baseMs: 200, maxMs: 10_000 }, 1, 0.999, 200],
      ['writer', { baseMs: 200, maxMs: 10_000 }, 2, 0, 200],
      ['writer', { baseMs: 200, maxMs: 10_000 }, 3, 0.5, 600],
      ['writer', { baseMs: 200, maxMs: 10_000 }, 4, 0, 800],
      ['writer', { baseMs: 200, maxMs: 10_000 }, 7, 0, 5_000],
      ['writer', { baseMs: 200, maxMs: 10_000 }, 20, 0.999, 9_995],
      ['a first attempt numbered 0', { baseMs: 200, maxMs: 10_000 }, 0, 0, 100],
    ])(
      '%s: waits before attempt %i with random %d for %i ms',
      (_label, options, attempt, random, expected) => {
        expect(backoffDelayMs(attempt, { ...options, random: () => random })).toBe(expected);
      },
    );
  });

  describe('without jitter (the bus redelivering a message)', () => {
    const options = { baseMs: 1_000, maxMs: 60_000 };

    it.each([
      [1, 1_000],
      [2, 2_000],
      [3, 4_000],
      [6, 32_000],
      [7, 60_000],
      [1_000, 60_000],
      [Number.MAX_SAFE_INTEGER, 60_000],
    ])('waits before redelivery after a failure on attempt %i: %i ms', (attempt, expected) => {
      expect(backoffDelayMs(attempt, options)).toBe(expected);
    });
  });

  it('stays finite with a zero base however many attempts failed', () => {
    expect(backoffDelayMs(5_000, { baseMs: 0, maxMs: 1_000 })).toBe(0);
  });
});
