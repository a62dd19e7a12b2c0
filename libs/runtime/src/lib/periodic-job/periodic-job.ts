import type { LoggerService } from '@nestjs/common';
import { loggableErrorText } from '@storebridge/security';

export interface PeriodicJobOptions {
  /** Names the job in the log line of a run that threw, e.g. "Housekeeping" → "Housekeeping run failed: …". */
  name: string;
  /** Time between runs; 0 or less means the job never runs (`start()` returns false). */
  intervalMs: number;
  /** Delay before the first run, from which the interval then counts; one interval when absent. */
  firstRunAfterMs?: number;
  /** The owner's logger, so a failed run is logged under the owner's name. */
  logger: Pick<LoggerService, 'error'>;
}

/**
 * Runs `work` on a timer, one run at a time, for a service that starts it on application bootstrap and stops it
 * on module destroy. Coordination between replicas (a row claim, a lock, or none) is the work's own business.
 */
export class PeriodicJob {
  private firstRun: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly options: PeriodicJobOptions,
  ) {}

  /** Arms the timer; returns false, and arms nothing, when the interval disables the job. */
  start(): boolean {
    const { intervalMs, firstRunAfterMs = intervalMs } = this.options;
    if (intervalMs <= 0) {
      return false;
    }
    // run() never rejects; unref so a pending run never keeps the process alive on shutdown. The interval
    // starts from the first run, so a first run delayed past one interval never overlaps the second.
    this.firstRun = setTimeout(() => {
      this.timer = setInterval(() => void this.run(), intervalMs);
      this.timer.unref();
      void this.run();
    }, firstRunAfterMs);
    this.firstRun.unref();
    return true;
  }

  /** Stops the timer and waits for the run in flight, so it finishes before the connections it uses close. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.firstRun);
    clearInterval(this.timer);
    this.firstRun = undefined;
    this.timer = undefined;
    await this.running;
  }

  /**
   * One run now. A run asked for while one is still going is skipped (the running one is returned), so a slow
   * database never piles runs up; after `stop()` nothing runs. Never rejects: a thrown error is logged and the
   * next run goes ahead as usual.
   */
  run(): Promise<void> {
    if (this.stopped) {
      return Promise.resolve();
    }
    this.running ??= this.runLogged().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runLogged(): Promise<void> {
    try {
      await this.work();
    } catch (error) {
      this.options.logger.error(`${this.options.name} run failed: ${loggableErrorText(error)}`);
    }
  }
}
