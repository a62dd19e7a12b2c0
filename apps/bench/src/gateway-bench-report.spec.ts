import { DEFAULT_GATEWAY_BENCH_OPTIONS } from './gateway-bench-options';
import {
  checkGatewayTargets,
  formatGatewayReport,
  outageWritesPerRecord,
  ratioToBare,
  updatesPerSecond,
  type GatewayBenchResult,
  type PhaseArrivals,
} from './gateway-bench-report';
import type { LoadFigures } from './webhook-load';

function load(overrides: Partial<LoadFigures> = {}): LoadFigures {
  return {
    count: 5_000,
    p50Ms: 12,
    p99Ms: 40,
    maxMs: 70,
    durationMs: 1_250,
    requestsPerSecond: 4_000,
    non200: 0,
    ...overrides,
  };
}

function arrivals(overrides: Partial<PhaseArrivals> = {}): PhaseArrivals {
  return {
    accepted: 5_000,
    arrived: 5_000,
    lost: 0,
    appliedMs: 1_000,
    latency: { count: 5_000, p50Ms: 300, p99Ms: 900, maxMs: 1_000 },
    ...overrides,
  };
}

/** A run meeting every target of issue #17. */
function result(overrides: Partial<GatewayBenchResult> = {}): GatewayBenchResult {
  return {
    options: { ...DEFAULT_GATEWAY_BENCH_OPTIONS },
    products: 50_000,
    fullSyncMs: 42_000,
    bare: load({ requestsPerSecond: 6_000, p50Ms: 7, p99Ms: 20 }),
    ingestion: load(),
    ingestionArrivals: arrivals(),
    ingestionCpu: [
      { name: 'gateway', seconds: 4 },
      { name: 'sync', seconds: 2.5 },
      { name: 'push', seconds: 3 },
    ],
    bursts: [
      { updates: 5_000, send: load(), arrivals: arrivals({ appliedMs: 1_250 }) },
      {
        updates: 50_000,
        send: load({ count: 50_000 }),
        arrivals: arrivals({ accepted: 50_000, arrived: 50_000, appliedMs: 12_500 }),
      },
    ],
    sustained: {
      send: load({ count: 30_000, requestsPerSecond: 500, durationMs: 60_000 }),
      arrivals: arrivals({ accepted: 30_000, arrived: 30_000, appliedMs: 60_400 }),
    },
    outage: {
      updates: 5_000,
      arrivedBeforeFault: 120,
      faultMs: 10_050,
      send: load(),
      arrivals: arrivals(),
      recordsWritten: 5_000,
      recordsSent: 5_600,
      recoveredMs: 2_300,
    },
    machine: { cores: 2, loadAtStart: 1.2, loadAtEnd: 2.4 },
    notes: [],
    ...overrides,
  };
}

const verdicts = (run: GatewayBenchResult) =>
  Object.fromEntries(checkGatewayTargets(run).map((check) => [check.target, check.pass]));

describe('gateway benchmark figures', () => {
  it('gives updates/s from the first webhook to the last new price', () => {
    expect(updatesPerSecond(5_000, arrivals({ appliedMs: 2_000 }))).toBe(2_500);
    expect(updatesPerSecond(5_000, arrivals({ appliedMs: undefined }))).toBeUndefined();
  });

  it('compares the gateway with the bare handler of the same run', () => {
    expect(ratioToBare(result())).toBeCloseTo(4_000 / 6_000);
    expect(ratioToBare(result({ bare: load({ requestsPerSecond: undefined }) }))).toBeUndefined();
  });

  it('counts records sent per updated product during the outage, refused writes included', () => {
    expect(outageWritesPerRecord(result().outage)).toBeCloseTo(1.12);
  });
});

describe('checkGatewayTargets', () => {
  it('passes every target of a run that meets them', () => {
    const checks = checkGatewayTargets(result());
    expect(checks.map((check) => check.target)).toEqual([
      'ingestion >= 3,000 req/s',
      'ingestion p99 <= 50 ms',
      'ingestion 0 non-200',
      'ingestion >= 0.5x the bare NestJS handler',
      '0 lost (answered 200, never in ShopiMind), all phases',
      'burst of 5,000 -> ShopiMind >= 3,000 updates/s',
      'burst of 50,000 -> ShopiMind >= 3,000 updates/s',
      'sustained 500/s: p99 webhook -> ShopiMind <= 2 s',
      'outage: writes per record <= 1.5',
    ]);
    expect(checks.filter((check) => !check.pass)).toEqual([]);
  });

  it('misses each target on its own figure', () => {
    const run = result({
      ingestion: load({ requestsPerSecond: 2_999, p99Ms: 51, non200: 1 }),
      bare: load({ requestsPerSecond: 6_000 }),
      outage: { ...result().outage, recordsSent: 7_501 },
      sustained: {
        ...result().sustained,
        arrivals: arrivals({
          accepted: 30_000,
          arrived: 30_000,
          latency: { count: 30_000, p50Ms: 500, p99Ms: 2_001, maxMs: 3_000 },
        }),
      },
    });
    expect(verdicts(run)).toMatchObject({
      'ingestion >= 3,000 req/s': false,
      'ingestion p99 <= 50 ms': false,
      'ingestion 0 non-200': false,
      'ingestion >= 0.5x the bare NestJS handler': false,
      '0 lost (answered 200, never in ShopiMind), all phases': true,
      'sustained 500/s: p99 webhook -> ShopiMind <= 2 s': false,
      'outage: writes per record <= 1.5': false,
    });
  });

  it('writes long latencies in seconds', () => {
    const run = result({
      sustained: {
        ...result().sustained,
        arrivals: arrivals({ latency: { count: 1, p50Ms: 9_999, p99Ms: 100_311, maxMs: 100_604 } }),
      },
    });
    expect(checkGatewayTargets(run).find((check) => check.target.startsWith('sustained'))?.measured).toBe(
      '100.3 s',
    );
    expect(formatGatewayReport(run)).toContain('9999 ms / 100.3 s / 100.6 s');
  });

  it('misses a phase that lost updates, however fast, and counts the lost of every phase', () => {
    const lossy = arrivals({ arrived: 4_999, lost: 1, appliedMs: 100 });
    const run = result({
      bursts: [{ updates: 5_000, send: load(), arrivals: lossy }],
      sustained: { ...result().sustained, arrivals: lossy },
      outage: { ...result().outage, arrivals: lossy },
    });
    const checks = checkGatewayTargets(run);
    expect(verdicts(run)).toMatchObject({
      '0 lost (answered 200, never in ShopiMind), all phases': false,
      'burst of 5,000 -> ShopiMind >= 3,000 updates/s': false,
      'sustained 500/s: p99 webhook -> ShopiMind <= 2 s': false,
      'outage: writes per record <= 1.5': false,
    });
    expect(checks.find((check) => check.target.startsWith('0 lost'))?.measured).toBe('3');
    expect(checks.find((check) => check.target.startsWith('burst'))?.measured).toBe(
      '50,000 updates/s (1 lost)',
    );
  });
});

describe('formatGatewayReport', () => {
  it('prints the issue table with its baseline, each phase and each target with PASS or MISS', () => {
    const report = formatGatewayReport(
      result({
        ingestion: load({ requestsPerSecond: 294, p50Ms: 158, p99Ms: 371 }),
        bare: load({ requestsPerSecond: 2_500, p50Ms: 10, p99Ms: 50 }),
        notes: ['something worth knowing'],
      }),
    );
    const lines = report.split('\n');

    expect(lines[0]).toContain('signed product.updated store webhooks, 50 keep-alive connections');
    expect(report).toContain('demo store of 50,000 products (full sync 42.0 s)');
    expect(report).toContain('machine: 2 cores, 1-minute load average 1.2 at the start, 2.4 at the end');
    expect(lines.find((line) => line.includes('bare NestJS 11 handler'))).toMatch(
      /2,500\s+10 ms\s+50 ms\s+0\s+-$/,
    );
    expect(lines.find((line) => line.includes('gateway with sync and push running'))).toMatch(
      /294\s+158 ms\s+371 ms\s+0\s+5,000\/5,000 in 1\.0 s: 5,000 updates\/s$/,
    );
    expect(report).toContain('gateway / bare handler: 0.12x');
    // Per 1,000 of the 5,000 ingestion webhooks.
    expect(report).toMatch(/gateway\s+4\.0 s\s+0\.800 s/);
    expect(report).toMatch(/all\s+9\.5 s\s+1\.900 s/);
    expect(lines.find((line) => line.trimStart().startsWith('50,000'))).toMatch(/12\.5 s\s+4,000$/);
    expect(report).toMatch(/to ShopiMind p50 \/ p99 \/ max\s+300 ms \/ 900 ms \/ 1000 ms/);
    expect(report).toMatch(/webhooks sent on schedule, all answered after\s+30,000, 60\.0 s \(500 req\/s\)/);
    expect(lines.find((line) => line.includes('writes per updated record'))).toMatch(/1\.12$/);
    expect(lines.find((line) => line.includes('sent to ShopiMind (503s included)'))).toMatch(/5,600$/);
    expect(lines.find((line) => line.includes('stored by ShopiMind'))).toMatch(/5,000$/);
    expect(lines.find((line) => line.includes('  per updated record'))).toMatch(/1\.00$/);
    expect(report).toContain('  something worth knowing');
    expect(lines.find((line) => line.includes('ingestion >= 3,000 req/s'))).toMatch(/294 req\/s\s+MISS$/);
    expect(lines.find((line) => line.includes('outage: writes per record'))).toMatch(/1\.12\s+PASS$/);
    expect(report.endsWith('\n')).toBe(true);
  });
});
