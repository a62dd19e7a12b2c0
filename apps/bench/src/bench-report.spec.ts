import {
  checkTargets,
  formatReport,
  fullSyncRecordsPerSecond,
  fullSyncToNaivePipe,
  naivePipeRecordsPerSecond,
  resyncSpeedUp,
  type BenchResult,
  type PhaseFigures,
} from './bench-report';
import type { NaivePipeFigures } from './naive-pipe';
import type { SyncRunSummary } from './sync-runs';

const MB = 1024 * 1024;

function run(overrides: Partial<SyncRunSummary>): SyncRunSummary {
  return {
    id: 'run',
    entity: 'products',
    trigger: 'activate',
    status: 'succeeded',
    pagesFetched: 1000,
    recordsSeen: 100_000,
    recordsValid: 100_000,
    recordsSkipped: 0,
    recordsChanged: 100_000,
    recordsDeleted: 0,
    error: null,
    startedAt: new Date('2025-03-01T10:00:00.000Z'),
    finishedAt: new Date('2025-03-01T10:00:18.000Z'),
    timings: {},
    ...overrides,
  };
}

function phase(overrides: Partial<PhaseFigures>): PhaseFigures {
  return {
    runs: [],
    runsFinishedMs: undefined,
    lastWriteMs: undefined,
    recordsWritten: 0,
    inSandbox: { products: 100_000, orders: 50_000 },
    notes: [],
    ...overrides,
  };
}

function result(overrides: Partial<BenchResult> = {}): BenchResult {
  return {
    options: {
      products: 100_000,
      orders: 50_000,
      shopimindLatencyMs: 0,
      pageSize: 100,
      timeLimitMinutes: 15,
      naivePipe: false,
    },
    full: phase({
      runs: [
        run({}),
        run({ entity: 'orders', pagesFetched: 500, recordsSeen: 50_000, recordsValid: 50_000 }),
      ],
      runsFinishedMs: 18_000,
      lastWriteMs: 20_000,
      recordsWritten: 150_000,
    }),
    resync: phase({
      runs: [
        run({
          trigger: 'store_webhook',
          recordsChanged: 0,
          finishedAt: new Date('2025-03-01T10:00:02.000Z'),
        }),
      ],
      runsFinishedMs: 2_500,
    }),
    memory: [
      { name: 'gateway', peakRssBytes: 120 * MB, maxSampledRssBytes: 118 * MB },
      { name: 'sync', peakRssBytes: 250 * MB, maxSampledRssBytes: 240 * MB },
      { name: 'push', peakRssBytes: 200 * MB, maxSampledRssBytes: 199 * MB },
    ],
    fullCpu: [
      { name: 'gateway', seconds: 1.5 },
      { name: 'sync', seconds: 27 },
      { name: 'push', seconds: 34.5 },
      { name: 'PostgreSQL', seconds: 39 },
    ],
    ...overrides,
  };
}

describe('benchmark figures', () => {
  it('counts records/s until the sandbox held the last record', () => {
    expect(fullSyncRecordsPerSecond(result().full)).toBe(7_500);
  });

  it('has no rate when nothing reached the sandbox', () => {
    expect(fullSyncRecordsPerSecond(phase({ lastWriteMs: undefined }))).toBeUndefined();
  });

  it('compares the re-sync, pushes included, with the full sync end to end', () => {
    expect(resyncSpeedUp(result())).toBe(8);
    const pushing = result({
      resync: phase({ runsFinishedMs: 2_500, lastWriteMs: 4_000, recordsWritten: 10 }),
    });
    expect(resyncSpeedUp(pushing)).toBe(5);
  });
});

/** 150,000 records in 12 s: 12,500 records/s, the full sync of `result()` (7,500) being 0.6 of it. */
function naivePipe(overrides: Partial<NaivePipeFigures> = {}): NaivePipeFigures {
  return {
    elapsedMs: 12_000,
    itemsWritten: 400_000,
    itemsRejected: 0,
    inSandbox: { products: 100_000, orders: 50_000 },
    ...overrides,
  };
}

describe('naive pipe figures', () => {
  it('counts records/s over the products and orders the naive pipe delivered', () => {
    expect(naivePipeRecordsPerSecond(naivePipe())).toBe(12_500);
  });

  it('compares the full sync with the naive pipe of the same run', () => {
    expect(fullSyncToNaivePipe(result({ naivePipe: naivePipe() }))).toBe(0.6);
    expect(fullSyncToNaivePipe(result({ naivePipe: naivePipe({ elapsedMs: 6_000 }) }))).toBe(0.3);
  });

  it('has no ratio when the naive pipe was skipped', () => {
    expect(fullSyncToNaivePipe(result())).toBeUndefined();
  });
});

describe('checkTargets', () => {
  it('passes every target of a good run', () => {
    expect(checkTargets(result())).toEqual([
      { target: 'full sync >= 5,000 records/s', measured: '7,500 records/s', pass: true },
      { target: 'unchanged re-sync >= 5x faster', measured: '8.0x', pass: true },
      { target: 'unchanged re-sync pushes 0 records', measured: '0 records', pass: true },
      { target: 'sync-service RSS <= 300 MB', measured: '250 MB', pass: true },
    ]);
  });

  it('misses each target on its own', () => {
    const checks = checkTargets(
      result({
        full: phase({ lastWriteMs: 40_000 }),
        resync: phase({ runsFinishedMs: 9_000, lastWriteMs: 9_500, recordsWritten: 3 }),
        memory: [{ name: 'sync', peakRssBytes: 301 * MB, maxSampledRssBytes: 290 * MB }],
      }),
    );

    expect(checks.map((check) => [check.measured, check.pass])).toEqual([
      ['3,750 records/s', false],
      ['4.2x', false],
      ['3 records', false],
      ['301 MB', false],
    ]);
  });

  it('does not pass a fast but incomplete full sync (orders not synced)', () => {
    const [rate] = checkTargets(
      result({ full: phase({ lastWriteMs: 10_000, inSandbox: { products: 100_000, orders: 0 } }) }),
    );

    expect(rate).toEqual({
      target: 'full sync >= 5,000 records/s',
      measured: '10,000 records/s (incomplete)',
      pass: false,
    });
  });

  it('passes a full sync at 0.6x the naive pipe, and adds that target only when the naive pipe ran', () => {
    const checks = checkTargets(result({ naivePipe: naivePipe() }));

    expect(checks).toHaveLength(5);
    expect(checks[4]).toEqual({
      target: 'full sync >= 0.6x naive pipe',
      measured: '0.60x (7,500 of 12,500 records/s)',
      pass: true,
    });
    expect(checkTargets(result())).toHaveLength(4);
  });

  it('misses the ratio below 0.6x the naive pipe', () => {
    const [, , , , ratio] = checkTargets(result({ naivePipe: naivePipe({ elapsedMs: 6_000 }) }));

    expect(ratio).toMatchObject({ measured: '0.30x (7,500 of 25,000 records/s)', pass: false });
  });

  it('does not pass the ratio against a naive pipe that did not deliver everything', () => {
    const partial = naivePipe({ elapsedMs: 60_000, inSandbox: { products: 100_000, orders: 0 } });
    const [, , , , ratio] = checkTargets(result({ naivePipe: partial }));

    expect(ratio).toMatchObject({
      measured: '4.50x (7,500 of 1,667 records/s, naive pipe incomplete)',
      pass: false,
    });
  });

  it('does not pass the ratio of an incomplete full sync', () => {
    const [, , , , ratio] = checkTargets(
      result({
        full: phase({ lastWriteMs: 10_000, inSandbox: { products: 100_000, orders: 0 } }),
        naivePipe: naivePipe(),
      }),
    );

    expect(ratio).toMatchObject({
      measured: '0.80x (10,000 of 12,500 records/s, full sync incomplete)',
      pass: false,
    });
  });

  it('falls back to the sampled RSS when VmHWM could not be read', () => {
    const memory = [{ name: 'sync', peakRssBytes: undefined, maxSampledRssBytes: 100 * MB }];
    expect(checkTargets(result({ memory }))[3]).toMatchObject({ measured: '100 MB', pass: true });
  });
});

describe('formatReport', () => {
  it('prints the phases, the runs, the memory and the targets', () => {
    const report = formatReport(
      result({
        full: {
          ...result().full,
          notes: ['orders: not synced (no orders run; none appeared 30 s after the rest was done)'],
          runs: [run({ timings: { fetchMs: 5_100, publishMs: 900 } })],
        },
      }),
    );

    expect(report).toContain('Sync benchmark: 100,000 products + 50,000 orders, ShopiMind latency 0 ms');
    expect(report).toMatch(/runs finished after\s+18\.0 s\s+2\.5 s/);
    expect(report).toMatch(/records\/s \(end to end\)\s+7,500/);
    expect(report).toMatch(/speed-up vs full sync\s+8\.0x/);
    expect(report).toMatch(/full\s+products\s+succeeded\s+1,000\s+100,000\s+100,000\s+100,000\s+0\s+18\.0 s/);
    expect(report).toContain('full products by step: fetch 5.1 s, publish 0.9 s');
    expect(report).toContain('full sync: orders: not synced (no orders run;');
    expect(report).toMatch(/sync\s+250 MB\s+240 MB/);
    expect(report).toMatch(/full sync >= 5,000 records\/s\s+7,500 records\/s\s+PASS/);
  });

  it('prints the CPU of each process during the full sync, in all and per 1,000 records delivered', () => {
    const report = formatReport(result());

    expect(report).toMatch(/sync\s+27\.0 s\s+0\.180 s/);
    expect(report).toMatch(/PostgreSQL\s+39\.0 s\s+0\.260 s/);
    expect(report).toMatch(/all\s+102\.0 s\s+0\.680 s/);
  });

  it('leaves out the total when a process could not be read', () => {
    const report = formatReport(result({ fullCpu: [{ name: 'push', seconds: undefined }] }));

    expect(report).toMatch(/push\s+-\s+-/);
    expect(report).toMatch(/all\s+-\s+-/);
  });

  it("prints the naive pipe's figures next to the full sync's, and the ratio target", () => {
    const report = formatReport(result({ naivePipe: naivePipe({ elapsedMs: 15_000 }) }));

    expect(report).toMatch(/records\/s \(end to end\)\s+7,500\s+10,000/);
    expect(report).toMatch(/full sync \/ naive pipe\s+0\.75x/);
    expect(report).toMatch(
      /in sandbox \(products \+ orders\)\s+150,000 of 150,000\s+150,000 of 150,000\s+150,000 of 150,000/,
    );
    expect(report).toMatch(/full sync >= 0\.6x naive pipe\s+0\.75x \(7,500 of 10,000 records\/s\)\s+PASS/);
  });

  it('says when the naive pipe was skipped', () => {
    const report = formatReport(result());

    expect(report).toContain('naive pipe: skipped (--no-naive-pipe)');
    expect(report).not.toContain('x naive pipe');
  });
});
