import { resolveStoreSettings } from '../store-settings';
import { Sleep, StoreClient } from './store.client';

/** Time that moves only when the test fires the next timer, so concurrent waits can be ordered exactly. */
class ManualClock {
  now = 0;
  readonly #timers: Array<{ at: number; fire: () => void }> = [];
  readonly #onTimer: Array<() => void> = [];

  readonly sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer = { at: this.now + ms, fire: resolve };
      this.#timers.push(timer);
      signal?.addEventListener('abort', () => {
        this.#timers.splice(this.#timers.indexOf(timer), 1);
        reject(signal.reason);
      });
      this.#onTimer.splice(0).forEach((notify) => notify());
    });

  /** Resolves once something waits on the clock. */
  async someoneWaits(): Promise<void> {
    if (this.#timers.length === 0) {
      await new Promise<void>((resolve) => this.#onTimer.push(resolve));
    }
  }

  /**
   * Fires timers, earliest first, until `work` settles. Before each, pending callbacks run (no timer is due
   * meanwhile: this clock does not move), so every request has reached its next wait.
   */
  async runUntilSettled<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const watched = work.finally(() => {
      settled = true;
    });
    const quiet = watched.then(
      () => undefined,
      () => undefined,
    );
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (settled) {
        return watched;
      }
      this.#timers.sort((a, b) => a.at - b.at);
      const next = this.#timers.shift();
      if (next) {
        this.now = Math.max(this.now, next.at);
        next.fire();
      } else {
        await Promise.race([quiet, this.someoneWaits()]);
      }
    }
  }
}

interface Deferred {
  promise: Promise<Response>;
  resolve: (response: Response) => void;
}

function deferred(): Deferred {
  let resolve: (response: Response) => void = () => undefined;
  const promise = new Promise<Response>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

const ok = (): Response =>
  new Response('[]', { status: 200, headers: { 'content-type': 'application/json' } });

/**
 * A store whose answers are scripted per page number; every attempt is recorded with the clock's time.
 * A script entry may be a Deferred, answered later by the test.
 */
function scriptedStore(clock: ManualClock, script: Record<string, Array<Response | Deferred>>) {
  const attempts: Array<{ page: string; at: number }> = [];
  const fetchImpl: typeof fetch = async (input) => {
    const page = new URL(input instanceof Request ? input.url : input).searchParams.get('page') ?? '';
    attempts.push({ page, at: clock.now });
    const answer = script[page]?.shift();
    if (answer === undefined) {
      throw new Error(`unexpected request for page ${page}`);
    }
    return answer instanceof Response ? answer : answer.promise;
  };
  const settings = resolveStoreSettings({
    baseUrl: 'https://shop.example',
    auth: { method: 'api_key', token: 'k' },
  });
  const store = new StoreClient(settings, {
    fetchImpl,
    sleep: clock.sleep,
    now: () => clock.now,
    random: () => 0,
    backoffBaseMs: 500,
  });
  return { store, attempts };
}

describe('StoreClient hold after a 429', () => {
  it("holds the other request in flight until the 429's Retry-After has passed", async () => {
    const clock = new ManualClock();
    const secondAnswer = deferred();
    const { store, attempts } = scriptedStore(clock, {
      '1': [new Response('', { status: 429, headers: { 'retry-after': '3' } }), ok()],
      '2': [secondAnswer, ok()],
    });

    const both = Promise.all([store.getPage('products', 1), store.getPage('products', 2)]);
    // Page 1 got its 429 and waits; page 2's first attempt is still in flight, then fails on its own.
    await clock.someoneWaits();
    secondAnswer.resolve(new Response('busy', { status: 503 }));
    await clock.runUntilSettled(both);

    expect(attempts).toEqual([
      { page: '1', at: 0 },
      { page: '2', at: 0 },
      { page: '1', at: 3_000 },
      // Its own backoff (250 ms) alone would have let it start at 250.
      { page: '2', at: 3_000 },
    ]);
  });

  it('holds every new request of the store, not only retries', async () => {
    const clock = new ManualClock();
    const { store, attempts } = scriptedStore(clock, {
      '1': [new Response('', { status: 429, headers: { 'retry-after': '2' } }), ok()],
      '2': [ok()],
    });

    const first = store.getPage('products', 1);
    await clock.someoneWaits();
    await clock.runUntilSettled(Promise.all([first, store.getPage('products', 2)]));

    expect(attempts.filter((attempt) => attempt.page === '2')).toEqual([{ page: '2', at: 2_000 }]);
  });

  it('holds as long as the backoff when a 429 names no delay', async () => {
    const clock = new ManualClock();
    const { store, attempts } = scriptedStore(clock, {
      '1': [new Response('', { status: 429 }), ok()],
      '2': [ok()],
    });

    const first = store.getPage('products', 1);
    await clock.someoneWaits();
    await clock.runUntilSettled(Promise.all([first, store.getPage('products', 2)]));

    expect(attempts).toEqual([
      { page: '1', at: 0 },
      { page: '1', at: 250 },
      { page: '2', at: 250 },
    ]);
  });

  it('does not hold the store for a 5xx without Retry-After', async () => {
    const clock = new ManualClock();
    const { store, attempts } = scriptedStore(clock, {
      '1': [new Response('busy', { status: 503 }), ok()],
      '2': [ok()],
    });

    const first = store.getPage('products', 1);
    await clock.someoneWaits();
    await clock.runUntilSettled(Promise.all([first, store.getPage('products', 2)]));

    expect(attempts).toContainEqual({ page: '2', at: 0 });
  });

  it('lets a caller abort while its request is held', async () => {
    const clock = new ManualClock();
    const { store, attempts } = scriptedStore(clock, {
      '1': [new Response('', { status: 429, headers: { 'retry-after': '30' } }), ok()],
      '2': [ok()],
    });
    const first = store.getPage('products', 1);
    await clock.someoneWaits();
    const controller = new AbortController();
    const held = store.getPage('products', 2, 50, { signal: controller.signal });
    const rejection = expect(held).rejects.toThrow('worker stopping');

    controller.abort(new Error('worker stopping'));

    await rejection;
    await clock.runUntilSettled(first);
    expect(attempts.map((attempt) => attempt.page)).toEqual(['1', '1']);
  });
});
