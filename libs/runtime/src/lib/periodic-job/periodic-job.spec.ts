import { PeriodicJob, type PeriodicJobOptions } from './periodic-job';

const INTERVAL_MS = 1_000;

/** Work whose runs are counted; each run takes the next queued outcome: an error, a pending promise, or done. */
class FakeWork {
  runs = 0;
  readonly outcomes: Array<Error | Promise<void>> = [];

  readonly work = async (): Promise<void> => {
    this.runs += 1;
    const next = this.outcomes.shift();
    if (next instanceof Error) {
      throw next;
    }
    await next;
  };
}

function pending(): { promise: Promise<void>; finish: () => void } {
  let finish!: () => void;
  const promise = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return { promise, finish };
}

describe('PeriodicJob', () => {
  let fake: FakeWork;
  let logger: { error: jest.Mock };
  let job: PeriodicJob;

  function aJob(options: Partial<PeriodicJobOptions> = {}): PeriodicJob {
    return new PeriodicJob(fake.work, { name: 'Spec job', intervalMs: INTERVAL_MS, logger, ...options });
  }

  beforeEach(() => {
    jest.useFakeTimers();
    fake = new FakeWork();
    logger = { error: jest.fn() };
    job = aJob();
  });

  afterEach(async () => {
    await job.stop();
    jest.useRealTimers();
  });

  it('runs once per interval once started, and not before', async () => {
    expect(job.start()).toBe(true);

    await jest.advanceTimersByTimeAsync(INTERVAL_MS - 1);
    expect(fake.runs).toBe(0);
    await jest.advanceTimersByTimeAsync(1 + 2 * INTERVAL_MS);

    expect(fake.runs).toBe(3);
  });

  it('runs first after the given delay, then counts the interval from that run', async () => {
    job = aJob({ firstRunAfterMs: 300 });
    job.start();

    await jest.advanceTimersByTimeAsync(300);
    expect(fake.runs).toBe(1);
    await jest.advanceTimersByTimeAsync(INTERVAL_MS - 1);
    expect(fake.runs).toBe(1);
    await jest.advanceTimersByTimeAsync(1);

    expect(fake.runs).toBe(2);
  });

  it('skips the ticks that come while a run is still going', async () => {
    const slow = pending();
    fake.outcomes.push(slow.promise);
    job.start();

    await jest.advanceTimersByTimeAsync(3 * INTERVAL_MS);
    expect(fake.runs).toBe(1);
    const asked = job.run();
    expect(fake.runs).toBe(1);
    slow.finish();
    await asked;

    await jest.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(fake.runs).toBe(2);
  });

  it('logs a failed run under its name, without rejecting, and the next tick still runs', async () => {
    fake.outcomes.push(new Error('database down'));
    job.start();

    await jest.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(logger.error).toHaveBeenCalledWith('Spec job run failed: database down');
    await jest.advanceTimersByTimeAsync(INTERVAL_MS);

    expect(fake.runs).toBe(2);
    expect(logger.error).toHaveBeenCalledTimes(1);
    fake.outcomes.push(new Error('connection reset'));
    await expect(job.run()).resolves.toBeUndefined();
  });

  it('stops on stop(), once the running run has finished, and runs nothing after', async () => {
    const slow = pending();
    fake.outcomes.push(slow.promise);
    job.start();
    await jest.advanceTimersByTimeAsync(INTERVAL_MS);

    let stopped = false;
    const stopping = job.stop().then(() => {
      stopped = true;
    });
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    slow.finish();
    await stopping;

    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(10 * INTERVAL_MS);
    await job.run();
    expect(fake.runs).toBe(1);
  });

  it('stops before its first run without ever running', async () => {
    job.start();
    await job.stop();

    await jest.advanceTimersByTimeAsync(10 * INTERVAL_MS);

    expect(jest.getTimerCount()).toBe(0);
    expect(fake.runs).toBe(0);
  });

  it('arms nothing when the interval is 0', async () => {
    job = aJob({ intervalMs: 0 });

    expect(job.start()).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(10 * INTERVAL_MS);
    expect(fake.runs).toBe(0);
  });

  it('unrefs its timers, so they never keep the process alive', async () => {
    const setTimeoutSpy = jest.spyOn(global, 'setTimeout');
    const setIntervalSpy = jest.spyOn(global, 'setInterval');
    job.start();
    await jest.advanceTimersByTimeAsync(INTERVAL_MS);

    const timers = [setTimeoutSpy, setIntervalSpy].map(
      (spy) => spy.mock.results.map((result) => result.value as NodeJS.Timeout)[0],
    );
    expect(timers.map((timer) => timer?.hasRef())).toEqual([false, false]);
    jest.restoreAllMocks();
  });
});
