import type { WriteOutcome } from './write-outcome';
import {
  isRetryable,
  retryDelayMs,
  retryWrite,
  writeRetryPolicy,
  type WriteRetryOptions,
} from './write-retry';

const accepted: WriteOutcome = { kind: 'accepted', sentCount: 1, rejected: [] };
const unavailable: WriteOutcome = { kind: 'transient', statusCode: 503, message: 'HTTP 503' };
const throttled: WriteOutcome = { kind: 'rate_limited' };

describe('retryDelayMs', () => {
  const policy = writeRetryPolicy({ random: () => 0 });

  it.each<[string, WriteOutcome, number, number]>([
    ['the backoff without Retry-After', throttled, 1, 100],
    ['Retry-After when it is longer', { kind: 'rate_limited', retryAfterMs: 1_000 }, 1, 1_000],
    ['the backoff when it is longer', { kind: 'rate_limited', retryAfterMs: 1_000 }, 6, 3_200],
    ['the Retry-After of a 503', { ...unavailable, retryAfterMs: 2_000 }, 1, 2_000],
    ['Retry-After above the backoff cap', { kind: 'rate_limited', retryAfterMs: 60_000 }, 9, 60_000],
  ])('takes %s', (_, outcome, retry, expected) => {
    expect(retryDelayMs(retry, outcome, policy)).toBe(expected);
  });
});

describe('isRetryable', () => {
  it.each<[WriteOutcome, boolean]>([
    [throttled, true],
    [unavailable, true],
    [{ kind: 'transient', statusCode: 0, message: 'socket hang up' }, true],
    [accepted, false],
    [{ kind: 'not_active' }, false],
    [{ kind: 'permanent', statusCode: 422, message: 'invalid' }, false],
  ])('%j: %p', (outcome, expected) => {
    expect(isRetryable(outcome)).toBe(expected);
  });
});

describe('retryWrite', () => {
  /** Answers the scripted outcomes in order and records every wait instead of waiting. */
  function scripted(outcomes: WriteOutcome[], options: WriteRetryOptions = {}) {
    const waits: number[] = [];
    const retries: Array<[number, WriteOutcome['kind'], number]> = [];
    let calls = 0;
    const policy = writeRetryPolicy({
      random: () => 0,
      sleep: async (ms) => {
        waits.push(ms);
      },
      onRetry: (attempt, outcome, delayMs) => retries.push([attempt, outcome.kind, delayMs]),
      ...options,
    });
    const run = () =>
      retryWrite(
        async () => {
          const outcome = outcomes[calls];
          calls += 1;
          if (outcome === undefined) {
            throw new Error(`unexpected call ${calls}`);
          }
          return outcome;
        },
        (outcome) => outcome,
        policy,
      );
    return { run, waits, retries, calls: () => calls };
  }

  it('retries rate-limited and transient outcomes until one is accepted', async () => {
    const script = scripted([throttled, unavailable, accepted]);

    await expect(script.run()).resolves.toEqual(accepted);

    expect(script.calls()).toBe(3);
    expect(script.waits).toEqual([100, 200]);
    expect(script.retries).toEqual([
      [1, 'rate_limited', 100],
      [2, 'transient', 200],
    ]);
  });

  it('returns the last outcome after maxAttempts calls', async () => {
    const script = scripted([unavailable, unavailable, unavailable, unavailable]);

    await expect(script.run()).resolves.toEqual(unavailable);

    expect(script.calls()).toBe(4);
    expect(script.waits).toEqual([100, 200, 400]);
  });

  it('honours a smaller maxAttempts', async () => {
    const script = scripted([throttled, throttled], { maxAttempts: 2 });
    await expect(script.run()).resolves.toEqual(throttled);
    expect(script.calls()).toBe(2);
  });

  it.each<WriteOutcome>([
    { kind: 'not_active' },
    { kind: 'permanent', statusCode: 422, message: 'invalid' },
    accepted,
  ])('does not retry %j', async (outcome) => {
    const script = scripted([outcome]);
    await expect(script.run()).resolves.toEqual(outcome);
    expect(script.calls()).toBe(1);
    expect(script.waits).toEqual([]);
  });
});

describe('writeRetryPolicy', () => {
  it('defaults to 4 attempts from 200 ms up to 10 s', () => {
    expect(writeRetryPolicy()).toMatchObject({ maxAttempts: 4, baseMs: 200, maxMs: 10_000 });
  });

  it.each<[WriteRetryOptions, RegExp]>([
    [{ maxAttempts: 0 }, /maxAttempts must be a positive integer/],
    [{ maxAttempts: 1.5 }, /maxAttempts/],
    [{ baseMs: -1 }, /baseMs must be a positive number/],
    [{ maxMs: Number.NaN }, /maxMs/],
  ])('refuses %j', (options, message) => {
    expect(() => writeRetryPolicy(options)).toThrow(message);
  });
});
