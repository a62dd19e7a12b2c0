import { Logger } from '@nestjs/common';
import type { WriteOutcome } from './write-outcome';

type RateLimitedOutcome = Extract<WriteOutcome, { kind: 'rate_limited' }>;

export interface AdaptiveConcurrencyOptions {
  /**
   * The window's start and ceiling (default 16). Wide enough that no call waits for a slot while ShopiMind
   * does not rate-limit, and it caps the many batches push's merged runs could otherwise fire at one shop at once.
   */
  maxInFlight?: number;
  /** Injectable so tests never really wait. */
  sleep?: (ms: number) => Promise<void>;
}

/** What the window looks like now, for logs and tests. */
export interface ConcurrencyWindow {
  limit: number;
  inFlight: number;
  waiting: number;
}

export const DEFAULT_MAX_IN_FLIGHT = 16;

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
 */
export class AdaptiveConcurrency {
  private readonly logger = new Logger(AdaptiveConcurrency.name);
  private readonly maxInFlight: number;
  private readonly sleep: (ms: number) => Promise<void>;
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

  constructor(options: AdaptiveConcurrencyOptions = {}) {
    this.maxInFlight = requirePositiveInteger('maxInFlight', options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
    this.sleep = options.sleep ?? realSleep;
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
    let outcome: WriteOutcome | undefined;
    try {
      const result = await attempt();
      outcome = outcomeOf(result);
      return result;
    } finally {
      // A thrown attempt says nothing about the rate: it only gives its slot back.
      this.inFlight -= 1;
      if (outcome !== undefined) {
        this.adapt(outcome, cutsAtStart, holdMs);
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
    cutsAtStart: number,
    holdMs: (outcome: RateLimitedOutcome) => number,
  ): void {
    switch (outcome.kind) {
      case 'rate_limited': {
        const heldMs = holdMs(outcome);
        if (cutsAtStart === this.cuts) {
          this.cut(heldMs);
        }
        this.hold(heldMs);
        return;
      }
      case 'accepted':
        this.widen();
        return;
      case 'transient':
      case 'not_active':
      case 'permanent':
        return;
    }
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
