/** Waits `ms`, rejecting early with the signal's reason when it aborts. Injectable so tests never really wait. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * The time before which no attempt to one store may start: a 429 or a `Retry-After` from any request
 * holds them all, since the requests in flight share the store's rate limit (spec §3).
 */
export class StoreHoldGate {
  #until = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly now: () => number,
    private readonly sleep: Sleep,
  ) {}

  /** Holds the store for `ms` from now; a longer hold already set stays. */
  hold(ms: number): void {
    this.#until = Math.max(this.#until, this.now() + ms);
  }

  /** Resolves once the store is no longer held, waiting again if another answer extended the hold meanwhile. */
  async pass(signal?: AbortSignal): Promise<void> {
    for (let waited = Number.NaN; this.#until !== waited;) {
      waited = this.#until;
      const remaining = waited - this.now();
      if (remaining > 0) {
        await this.sleep(remaining, signal);
      }
    }
  }
}
