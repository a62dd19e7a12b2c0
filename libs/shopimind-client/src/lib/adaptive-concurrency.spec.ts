import { Logger } from '@nestjs/common';
import { AdaptiveConcurrency, DEFAULT_MAX_IN_FLIGHT, MAX_PROBE_DELAY_MS } from './adaptive-concurrency';
import type { WriteOutcome } from './write-outcome';

const accepted: WriteOutcome = { kind: 'accepted', sentCount: 1, rejected: [] };
const throttled: WriteOutcome = { kind: 'rate_limited' };
const throttledFor = (retryAfterMs: number): WriteOutcome => ({ kind: 'rate_limited', retryAfterMs });
const unavailable: WriteOutcome = { kind: 'transient', statusCode: 503, message: 'HTTP 503' };
const timedOut: WriteOutcome = { kind: 'transient', statusCode: 0, message: 'timeout of 100ms exceeded' };
/** The probe delay of the windows below: 100 ms after the first failure in a row, 200 after the second, … */
const probeDelayMs = (failures: number): number => failures * 100;

/** Lets every promise callback that can run now run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('AdaptiveConcurrency', () => {
  let warnings: jest.SpyInstance;
  let debugs: jest.SpyInstance;

  beforeEach(() => {
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    debugs = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  /**
   * A window whose Retry-After holds last until the test ends them, and whose attempts, named, run until
   * the test answers them: nothing waits on a clock.
   */
  function aWindow(maxInFlight?: number, holdMs?: (outcome: { retryAfterMs?: number }) => number) {
    const holds: Array<{ ms: number; end: () => void }> = [];
    const concurrency = new AdaptiveConcurrency({
      maxInFlight,
      probeDelayMs,
      sleep: (ms) =>
        new Promise((resolve) => {
          holds.push({ ms, end: resolve });
        }),
    });
    const started: string[] = [];

    function attempt(name: string) {
      let answer: (outcome: WriteOutcome) => void = () => undefined;
      let fail: (error: Error) => void = () => undefined;
      const pending = new Promise<WriteOutcome>((resolve, reject) => {
        answer = resolve;
        fail = reject;
      });
      const result = concurrency.run(
        () => {
          started.push(name);
          return pending;
        },
        (outcome) => outcome,
        holdMs,
      );
      return {
        result,
        answer: async (outcome: WriteOutcome) => {
          answer(outcome);
          await result;
          await settle();
        },
        fail: async (error: Error) => {
          fail(error);
          await result.catch(() => undefined);
          await settle();
        },
      };
    }

    /** Runs one attempt to its end with `outcome`. */
    async function answered(name: string, outcome: WriteOutcome): Promise<void> {
      const running = attempt(name);
      await settle();
      await running.answer(outcome);
    }

    return { concurrency, holds, started, attempt, answered };
  }

  it(`starts with room for ${DEFAULT_MAX_IN_FLIGHT} calls by default`, async () => {
    const { concurrency, attempt, started } = aWindow();
    Array.from({ length: 17 }, (_, k) => attempt(`call ${k + 1}`));
    await settle();

    expect(started).toHaveLength(16);
    expect(concurrency.window).toEqual({ limit: 16, inFlight: 16, waiting: 1 });
  });

  it('starts the calls waiting for a slot in the order they came', async () => {
    const { concurrency, attempt, started } = aWindow(2);
    const [a, b] = ['a', 'b', 'c', 'd', 'e'].map(attempt);
    await settle();
    expect(started).toEqual(['a', 'b']);
    expect(concurrency.window).toEqual({ limit: 2, inFlight: 2, waiting: 3 });

    await b?.answer(accepted);
    expect(started).toEqual(['a', 'b', 'c']);
    await a?.answer(accepted);
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    expect(concurrency.window).toEqual({ limit: 2, inFlight: 2, waiting: 1 });
  });

  it('gives the slot back when an attempt throws, and leaves the window as it was', async () => {
    const { concurrency, attempt, started } = aWindow(1);
    const failing = attempt('a');
    attempt('b');
    await settle();

    await failing.fail(new Error('socket hang up'));

    await expect(failing.result).rejects.toThrow('socket hang up');
    expect(started).toEqual(['a', 'b']);
    expect(concurrency.window).toEqual({ limit: 1, inFlight: 1, waiting: 0 });
  });

  it.each([
    // maxInFlight, 429s answered to calls sent together, limit after
    [8, 1, 4],
    [8, 8, 4],
    [5, 3, 2],
    [3, 3, 1],
    [1, 1, 1],
  ])('out of %i, halves the window once for a burst of %i 429s: %i', async (max, burst, limit) => {
    const { concurrency, attempt } = aWindow(max);
    const calls = Array.from({ length: max }, (_, k) => attempt(`call ${k + 1}`));
    await settle();

    for (const call of calls.slice(0, burst)) {
      await call.answer(throttled);
    }

    expect(concurrency.window.limit).toBe(limit);
    expect(warnings).toHaveBeenCalledTimes(limit < max ? 1 : 0);
  });

  it('halves again for each 429 of a call sent after the last cut, down to one', async () => {
    const { concurrency, answered } = aWindow(8);
    const limits: number[] = [];

    for (const name of ['a', 'b', 'c', 'd']) {
      await answered(name, throttled);
      limits.push(concurrency.window.limit);
    }

    expect(limits).toEqual([4, 2, 1, 1]);
    expect(warnings.mock.calls.map(([line]) => String(line))).toEqual([
      'ShopiMind rate-limited: window cut from 8 to 4 calls in flight, none starting for 0 ms',
      'ShopiMind rate-limited: window cut from 4 to 2 calls in flight, none starting for 0 ms',
      'ShopiMind rate-limited: window cut from 2 to 1 calls in flight, none starting for 0 ms',
    ]);
  });

  it('starts no call before the Retry-After of every 429 is over', async () => {
    const { concurrency, holds, attempt, started } = aWindow(4);
    const [a, b] = ['a', 'b'].map(attempt);
    await settle();

    await a?.answer(throttledFor(1_000));
    // Sent with `a`, so it does not cut the window again; its longer Retry-After holds it longer.
    await b?.answer(throttledFor(3_000));
    attempt('c');
    await settle();
    expect(holds.map(({ ms }) => ms)).toEqual([1_000, 3_000]);
    expect(concurrency.window).toEqual({ limit: 2, inFlight: 0, waiting: 1 });

    holds[0]?.end();
    await settle();
    expect(started).toEqual(['a', 'b']);

    holds[1]?.end();
    await settle();
    expect(started).toEqual(['a', 'b', 'c']);
    expect(concurrency.window).toEqual({ limit: 2, inFlight: 1, waiting: 0 });
  });

  it('holds as long as the caller says, the backoff when ShopiMind sent no Retry-After', async () => {
    const { holds, answered } = aWindow(4, (outcome) => outcome.retryAfterMs ?? 250);

    await answered('a', throttled);
    holds[0]?.end();
    await answered('b', throttledFor(2_000));

    expect(holds.map(({ ms }) => ms)).toEqual([250, 2_000]);
  });

  it('widens the window by one per window of accepted calls, up to its maximum', async () => {
    const { concurrency, answered } = aWindow(4);
    await answered('throttled', throttled);
    const limits: number[] = [];

    for (let call = 1; call <= 7; call += 1) {
      await answered(`call ${call}`, accepted);
      limits.push(concurrency.window.limit);
    }

    // From 2: two accepted calls make it 3, three more make it 4.
    expect(limits).toEqual([2, 3, 3, 3, 4, 4, 4]);
    expect(debugs.mock.calls.map(([line]) => String(line))).toEqual([
      'ShopiMind accepts again: back at 4 calls in flight',
    ]);
  });

  it('counts the accepted calls anew after a cut', async () => {
    const { concurrency, answered } = aWindow(8);
    await answered('first 429', throttled);
    for (const name of ['a', 'b', 'c']) {
      await answered(name, accepted);
    }
    expect(concurrency.window.limit).toBe(4);

    await answered('second 429', throttled);
    await answered('d', accepted);

    expect(concurrency.window.limit).toBe(2);
  });

  it.each<[string, WriteOutcome]>([
    ['a 422', { kind: 'permanent', statusCode: 422, message: 'invalid' }],
    ['a 401', { kind: 'not_active' }],
  ])('leaves the window as it is after %s', async (_, outcome) => {
    const { concurrency, holds, answered } = aWindow(8);
    await answered('throttled', throttled);

    await answered('other', outcome);

    expect(concurrency.window).toEqual({ limit: 4, inFlight: 0, waiting: 0 });
    expect(holds).toEqual([]);
  });

  describe('while ShopiMind fails (5xx, timeouts)', () => {
    it('lets one call at a time probe it, waiting longer after each failure, until one is answered', async () => {
      const { concurrency, holds, attempt, started } = aWindow(8);
      const sentTogether = ['a', 'b', 'c'].map(attempt);
      await settle();

      // Calls sent before the outage was noticed fail together: one failure in a row, one wait.
      for (const call of sentTogether) {
        await call.answer(unavailable);
      }
      const [d, e, f] = ['d', 'e', 'f'].map(attempt);
      await settle();
      expect(holds.map(({ ms }) => ms)).toEqual([100]);
      expect(concurrency.window).toEqual({ limit: 1, inFlight: 0, waiting: 3 });

      holds[0]?.end();
      await settle();
      expect(started).toEqual(['a', 'b', 'c', 'd']);
      await d?.answer(timedOut);
      expect(holds.map(({ ms }) => ms)).toEqual([100, 200]);

      holds[1]?.end();
      await settle();
      expect(started).toEqual(['a', 'b', 'c', 'd', 'e']);
      await e?.answer(accepted);
      await settle();

      expect(started).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
      expect(concurrency.window).toEqual({ limit: 8, inFlight: 1, waiting: 0 });
      await f?.answer(accepted);
      expect(warnings.mock.calls.map(([line]) => String(line))).toEqual([
        'ShopiMind unavailable (HTTP 503): one call at a time until it answers, the next in 100 ms',
      ]);
      expect(debugs.mock.calls.map(([line]) => String(line))).toEqual([
        'ShopiMind answers again: back at 8 calls in flight',
      ]);
    });

    it(`probes again at least every ${MAX_PROBE_DELAY_MS} ms when no Retry-After says otherwise`, async () => {
      const holds: number[] = [];
      const concurrency = new AdaptiveConcurrency({
        probeDelayMs: () => 60_000,
        sleep: async (ms) => {
          holds.push(ms);
        },
      });

      await concurrency.run(
        async () => unavailable,
        (outcome) => outcome,
      );
      await concurrency.run(
        async () => ({ ...unavailable, retryAfterMs: 30_000 }),
        (outcome) => outcome,
      );

      expect(holds).toEqual([MAX_PROBE_DELAY_MS, 30_000]);
    });

    it("waits as long as a 503's Retry-After asks", async () => {
      const { holds, answered } = aWindow(4);

      await answered('a', { ...unavailable, retryAfterMs: 5_000 });

      expect(holds.map(({ ms }) => ms)).toEqual([5_000]);
    });

    it.each<[string, WriteOutcome, number]>([
      ['a 422', { kind: 'permanent', statusCode: 422, message: 'invalid' }, 8],
      ['a 401', { kind: 'not_active' }, 8],
      ['a 429', throttled, 4],
    ])('ends the outage when the probe gets %s: ShopiMind answers', async (_, outcome, limit) => {
      const { concurrency, holds, answered } = aWindow(8);
      await answered('a', unavailable);
      holds[0]?.end();

      await answered('probe', outcome);

      expect(concurrency.window.limit).toBe(limit);
    });

    it('goes back to the window it had before the outage, a cut one included', async () => {
      const { concurrency, holds, answered } = aWindow(8);
      // No Retry-After: the 429 cuts the window without holding it.
      await answered('throttled', throttled);
      await answered('a', unavailable);
      holds[0]?.end();
      expect(concurrency.window.limit).toBe(1);

      await answered('probe', accepted);

      expect(concurrency.window.limit).toBe(4);
    });
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses maxInFlight %p', (maxInFlight) => {
    expect(() => new AdaptiveConcurrency({ maxInFlight })).toThrow(
      new RangeError(
        `adaptive concurrency option maxInFlight must be a positive integer, got ${maxInFlight}`,
      ),
    );
  });
});
