import { Logger } from '@nestjs/common';
import type { WriteOutcome } from './write-outcome';

type RateLimitedOutcome = Extract<WriteOutcome, { kind: 'rate_limited' }>;
type TransientOutcome = Extract<WriteOutcome, { kind: 'transient' }>;

export interface AdaptiveConcurrencyOptions {
  /**
   * The window's start and ceiling (default 16). Wide enough that no call waits for a slot while ShopiMind
   * does not rate-limit, and it caps the many batches push's merged runs could otherwise fire at one shop at once.
   */
  maxInFlight?: number;
  /** Injectable so tests never really wait. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * How long no call starts after the `failures`-th failure in a row while ShopiMind is unavailable, when its
   * answer asked for no Retry-After (default: 200 ms doubling); never more than MAX_PROBE_DELAY_MS.
   */
  probeDelayMs?: (failures: number) => number;
}

/** What the window looks like now, for logs and tests. */
export interface ConcurrencyWindow {
  limit: number;
  inFlight: number;
  waiting: number;
}

export const DEFAULT_MAX_IN_FLIGHT = 16;

/**
 * The longest wait between two probes of an outage without a Retry-After: the longest ShopiMind's comeback can go
 * unnoticed, for the cost of one batch sent in vain per wait.
 */
export const MAX_PROBE_DELAY_MS = 5_000;

const defaultProbeDelayMs = (failures: number): number => 200 * 2 ** Math.min(failures - 1, 10);

/** ShopiMind failing (5xx, timeouts): the window it had before, and the failures in a row since. */
interface Outage {
  limitBefore: number;
  failures: number;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function requirePositiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`adaptive concurrency option ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/**
 * How many calls to one ShopiMind installation may be in flight, adapted AIMD-style (as TCP does): a 429
 * halves the window and holds every new attempt for its Retry-After, accepted calls widen it again by one
 * per window's worth. So a 429 slows every call of the installation, not only the one that got it.
 *
 * While ShopiMind fails (5xx, timeouts), it is an outage, not a rate: one call at a time probes it, the next one
 * starting only after a wait that grows with each failure in a row, and the first answer (accepted or not) gives
 * the window back. The calls waiting meanwhile send nothing, so an outage costs a probe per wait instead of every
 * pending record sent again on every retry.
 */
export class AdaptiveConcurrency {
  private readonly logger = new Logger(AdaptiveConcurrency.name);
  private readonly maxInFlight: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly probeDelayMs: (failures: number) => number;
  private limit: number;
  private inFlight = 0;
  /** Attempts waiting for a slot, first come first served. */
  private readonly waiters: Array<() => void> = [];
  /** Retry-After waits still running: no attempt starts while there is one. */
  private holds = 0;
  /**
   * Counts the cuts. An attempt started before the last cut was sent at the old rate, so its 429 must not
   * cut again: calls sent together that all get a 429 halve the window once.
   */
  private cuts = 0;
  private acceptedSinceResize = 0;
  private outage: Outage | undefined;
  /**
   * Counts the failures that made the outage's wait longer: like `cuts`, the calls that were in flight together
   * when ShopiMind went away fail together, and count once.
   */
  private outageFailures = 0;

  constructor(options: AdaptiveConcurrencyOptions = {}) {
    this.maxInFlight = requirePositiveInteger('maxInFlight', options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
    this.sleep = options.sleep ?? realSleep;
    this.probeDelayMs = options.probeDelayMs ?? defaultProbeDelayMs;
    this.limit = this.maxInFlight;
  }

  get window(): ConcurrencyWindow {
    return { limit: this.limit, inFlight: this.inFlight, waiting: this.waiters.length };
  }

  /**
   * Runs one call attempt in a slot of the window, then adapts the window to the attempt's outcome.
   * `holdMs` says how long no attempt may start after a 429: its Retry-After by default.
   */
  async run<T>(
    attempt: () => Promise<T>,
    outcomeOf: (result: T) => WriteOutcome,
    holdMs: (outcome: RateLimitedOutcome) => number = (outcome) => outcome.retryAfterMs ?? 0,
  ): Promise<T> {
    await this.acquire();
    const cutsAtStart = this.cuts;
    const outageFailuresAtStart = this.outageFailures;
    let outcome: WriteOutcome | undefined;
    try {
      const result = await attempt();
      outcome = outcomeOf(result);
      return result;
    } finally {
      // A thrown attempt says nothing about the rate: it only gives its slot back.
      this.inFlight -= 1;
      if (outcome !== undefined) {
        this.adapt(outcome, { cuts: cutsAtStart, outageFailures: outageFailuresAtStart }, holdMs);
      }
      this.dispatch();
    }
  }

  private acquire(): Promise<void> {
    if (this.waiters.length === 0 && this.canStart()) {
      this.inFlight += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiters.push(resolve);
    });
  }

  private canStart(): boolean {
    return this.holds === 0 && this.inFlight < this.limit;
  }

  /** Hands free slots to the waiters in order; a slot is taken here, before the waiter resumes. */
  private dispatch(): void {
    while (this.waiters.length > 0 && this.canStart()) {
      this.inFlight += 1;
      this.waiters.shift()?.();
    }
  }

  private adapt(
    outcome: WriteOutcome,
    atStart: { cuts: number; outageFailures: number },
    holdMs: (outcome: RateLimitedOutcome) => number,
  ): void {
    if (outcome.kind === 'transient') {
      this.failed(outcome, atStart.outageFailures);
      return;
    }
    // Any answer but a failure means ShopiMind is there again.
    this.endOutage();
    switch (outcome.kind) {
      case 'rate_limited': {
        const heldMs = holdMs(outcome);
        if (atStart.cuts === this.cuts) {
          this.cut(heldMs);
        }
        this.hold(heldMs);
        return;
      }
      case 'accepted':
        this.widen();
        return;
      case 'not_active':
      case 'permanent':
        return;
    }
  }

  private failed(outcome: TransientOutcome, outageFailuresAtStart: number): void {
    if (outageFailuresAtStart !== this.outageFailures) {
      return;
    }
    this.outageFailures += 1;
    const outage = this.outage ?? { limitBefore: this.limit, failures: 0 };
    outage.failures += 1;
    const waitMs = outcome.retryAfterMs ?? Math.min(MAX_PROBE_DELAY_MS, this.probeDelayMs(outage.failures));
    if (this.outage === undefined) {
      this.outage = outage;
      this.limit = 1;
      const status = outcome.statusCode === 0 ? 'no answer' : `HTTP ${outcome.statusCode}`;
      this.logger.warn(
        `ShopiMind unavailable (${status}): one call at a time until it answers, the next in ${waitMs} ms`,
      );
    }
    this.hold(waitMs);
  }

  private endOutage(): void {
    if (this.outage === undefined) {
      return;
    }
    this.limit = this.outage.limitBefore;
    this.acceptedSinceResize = 0;
    this.outage = undefined;
    this.logger.debug(`ShopiMind answers again: back at ${this.limit} calls in flight`);
  }

  private cut(heldMs: number): void {
    const before = this.limit;
    this.cuts += 1;
    this.limit = Math.max(1, Math.floor(before / 2));
    this.acceptedSinceResize = 0;
    if (this.limit < before) {
      this.logger.warn(
        `ShopiMind rate-limited: window cut from ${before} to ${this.limit} calls in flight, none starting for ${heldMs} ms`,
      );
    }
  }

  private hold(ms: number): void {
    if (ms <= 0) {
      return;
    }
    this.holds += 1;
    const release = (): void => {
      this.holds -= 1;
      this.dispatch();
    };
    void this.sleep(ms).then(release, release);
  }

  /** Additive increase: one more slot once as many calls as the window holds were accepted. */
  private widen(): void {
    if (this.limit >= this.maxInFlight) {
      return;
    }
    this.acceptedSinceResize += 1;
    if (this.acceptedSinceResize < this.limit) {
      return;
    }
    this.acceptedSinceResize = 0;
    this.limit += 1;
    if (this.limit === this.maxInFlight) {
      this.logger.debug(`ShopiMind accepts again: back at ${this.maxInFlight} calls in flight`);
    }
  }
}
