import { PhaseWatch, type PhaseObservation, type WatchedEntityExpectation } from './phase-watch';
import type { SyncRunSummary } from './sync-runs';

function run(overrides: Partial<SyncRunSummary> = {}): SyncRunSummary {
  return {
    id: `run-${overrides.entity ?? 'products'}`,
    entity: 'products',
    trigger: 'activate',
    status: 'running',
    pagesFetched: 0,
    recordsSeen: 0,
    recordsValid: 0,
    recordsSkipped: 0,
    recordsChanged: 0,
    recordsDeleted: 0,
    error: null,
    startedAt: new Date(0),
    finishedAt: null,
    timings: {},
    ...overrides,
  };
}

const PRODUCTS: WatchedEntityExpectation = { entity: 'products', storeCount: 100, runMayNeverCome: false };
const ORDERS: WatchedEntityExpectation = { entity: 'orders', storeCount: 40, runMayNeverCome: true };
const GRACE_MS = 30_000;

function at(
  elapsedMs: number,
  runs: SyncRunSummary[],
  inSandbox: { products?: number; orders?: number } = {},
): PhaseObservation {
  return { elapsedMs, runs, inSandbox: { products: 0, orders: 0, ...inSandbox } };
}

const productsDone = run({ status: 'succeeded', pagesFetched: 1, recordsSeen: 100 });

describe('PhaseWatch, full sync (waits for the sandbox)', () => {
  const fullSync = () => new PhaseWatch([PRODUCTS, ORDERS], { waitForSandbox: true, graceMs: GRACE_MS });

  it('is done once both runs finished and the sandbox holds every record', () => {
    const watch = fullSync();
    const ordersDone = run({ entity: 'orders', status: 'succeeded' });

    expect(watch.observe(at(1_000, [productsDone, ordersDone], { products: 100, orders: 39 })).settled).toBe(
      false,
    );
    const status = watch.observe(at(1_250, [productsDone, ordersDone], { products: 100, orders: 40 }));

    expect(status).toMatchObject({ settled: true, pending: [], notes: [] });
    expect(status.entities.map(({ progress }) => progress.state)).toEqual(['done', 'done']);
  });

  it('says what it still waits for', () => {
    const status = fullSync().observe(
      at(500, [run({ pagesFetched: 3, recordsSeen: 300 })], { products: 150 }),
    );

    expect(status.settled).toBe(false);
    expect(status.pending).toEqual([
      'products run: running, 3 pages, 300 records seen',
      'orders run: not started',
    ]);
  });

  it('gives up on an orders run that has not appeared 30 s after the products were done', () => {
    const watch = fullSync();
    watch.observe(at(10_000, [productsDone], { products: 100 }));

    expect(watch.observe(at(39_999, [productsDone], { products: 100 })).settled).toBe(false);
    const status = watch.observe(at(40_000, [productsDone], { products: 100 }));

    expect(status.settled).toBe(true);
    expect(status.notes).toEqual([
      'orders: not synced (no orders run; none appeared 30 s after the rest was done)',
    ]);
  });

  it('never gives up on the products run itself', () => {
    const watch = fullSync();

    expect(watch.observe(at(0, [])).settled).toBe(false);
    expect(watch.observe(at(600_000, [])).pending).toEqual([
      'products run: not started',
      'orders run: not started',
    ]);
  });

  it('keeps waiting while a finished run is still being pushed', () => {
    const watch = fullSync();
    const ordersDone = run({ entity: 'orders', status: 'succeeded' });
    watch.observe(at(0, [productsDone, ordersDone], { products: 100, orders: 0 }));

    for (let second = 20; second <= 80; second += 20) {
      const status = watch.observe(
        at(second * 1000, [productsDone, ordersDone], { products: 100, orders: second / 4 }),
      );
      expect(status.settled).toBe(false);
      expect(status.pending).toEqual([`sandbox orders: ${second / 4} of 40`]);
    }
  });

  it('reports "pushed k of N" once a finished run stopped reaching the sandbox for 30 s', () => {
    const watch = fullSync();
    const ordersDone = run({ entity: 'orders', status: 'succeeded' });
    watch.observe(at(5_000, [productsDone, ordersDone], { products: 100, orders: 7 }));

    expect(watch.observe(at(34_999, [productsDone, ordersDone], { products: 100, orders: 7 })).settled).toBe(
      false,
    );
    const status = watch.observe(at(35_000, [productsDone, ordersDone], { products: 100, orders: 7 }));

    expect(status.settled).toBe(true);
    expect(status.notes).toEqual(['orders pushed: 7 of 40 (no progress for 30 s after the run finished)']);
  });

  it('stops at a failed run, with its error', () => {
    const failed = run({ status: 'failed', error: 'store answered 503' });
    const status = new PhaseWatch([PRODUCTS], { waitForSandbox: true, graceMs: GRACE_MS }).observe(
      at(2_000, [failed], { products: 50 }),
    );

    expect(status.settled).toBe(true);
    expect(status.notes).toEqual(['products run failed: store answered 503 (products pushed: 50 of 100)']);
  });

  it('follows the latest run of an entity', () => {
    const retried = run({ id: 'second', status: 'running' });
    const status = new PhaseWatch([PRODUCTS], { waitForSandbox: true, graceMs: GRACE_MS }).observe(
      at(1_000, [run({ id: 'first', status: 'failed' }), retried]),
    );

    expect(status.entities[0].progress).toEqual({ state: 'running', run: retried });
  });
});

describe('PhaseWatch, re-sync (waits for the runs only)', () => {
  it('is done once the runs finished, whatever the sandbox holds', () => {
    const watch = new PhaseWatch([PRODUCTS], { waitForSandbox: false, graceMs: GRACE_MS });
    const resync = run({ trigger: 'store_webhook' });

    expect(watch.observe(at(500, [resync])).settled).toBe(false);
    expect(watch.observe(at(900, [{ ...resync, status: 'succeeded' }])).settled).toBe(true);
  });
});
