import type { SandboxRequestLogEntry } from '@storebridge/shopimind-sandbox';
import type { CpuProfileSummary } from './cpu-profile';
import {
  checkPushTargets,
  formatPushReport,
  pushRecordsPerSecond,
  summarizeRequests,
  type PushBenchResult,
} from './push-bench-report';

const MB = 1024 * 1024;
const OURS = 'our code (dist/apps/push/main.js)';

function entry(method: string, path: string, status: number, itemCount: number): SandboxRequestLogEntry {
  return {
    at: '2025-03-01T10:00:00.000Z',
    method,
    path,
    status,
    itemCount,
    installationId: 'inst_1',
    injected: false,
  };
}

function profile(overrides: Partial<CpuProfileSummary> = {}): CpuProfileSummary {
  return {
    samples: 12_000,
    profiledUs: 12_500_000,
    idleUs: 2_500_000,
    busyUs: 10_000_000,
    owners: [
      { owner: 'node internals', selfUs: 3_000_000 },
      { owner: 'axios', selfUs: 1_500_000 },
      { owner: OURS, selfUs: 1_000_000 },
      { owner: '@shopimind/sdk-shopimind', selfUs: 500_000 },
    ],
    sdkSelfUs: 2_000_000,
    sdkStackUs: 2_600_000,
    ourOwner: OURS,
    ourSelfUs: 1_000_000,
    ourFunctions: [{ functionName: 'toShopimindProduct', line: 5435, selfUs: 400_000 }],
    ...overrides,
  };
}

function result(overrides: Partial<PushBenchResult> = {}): PushBenchResult {
  return {
    options: { products: 100_000, shopimindLatencyMs: 5, pageSize: 100, timeLimitMinutes: 15 },
    messages: 1_000,
    publishMs: 1_500,
    deliveredMs: 10_000,
    inSandbox: 100_000,
    requests: [
      { request: 'POST /v1/products-categories', count: 1_000, items: 7_000, failed: 0 },
      { request: 'POST /v1/products', count: 2_000, items: 100_000, failed: 0 },
    ],
    windowMs: 10_200,
    pushCpuSeconds: 9.18,
    benchCpuSeconds: 4.08,
    memory: { name: 'push', peakRssBytes: 180 * MB, maxSampledRssBytes: 175 * MB },
    profile: profile(),
    profileIntervalUs: 1_000,
    machine: { cores: 2, loadAtStart: 1.25, loadAtEnd: 2.5 },
    notes: [],
    ...overrides,
  };
}

describe('summarizeRequests', () => {
  it('counts requests, items and failures by method and path, in the order they first came', () => {
    expect(
      summarizeRequests([
        entry('GET', '/v1/data-sources', 200, 0),
        entry('POST', '/v1/products', 200, 50),
        entry('POST', '/v1/products', 503, 50),
        entry('POST', '/v1/products', 200, 20),
        entry('GET', '/v1/data-sources', 401, 0),
      ]),
    ).toEqual([
      { request: 'GET /v1/data-sources', count: 2, items: 0, failed: 1 },
      { request: 'POST /v1/products', count: 3, items: 120, failed: 1 },
    ]);
  });
});

describe('push figures', () => {
  it('counts records/s from the first publish until the sandbox held the last product', () => {
    expect(pushRecordsPerSecond(result())).toBe(10_000);
    expect(pushRecordsPerSecond(result({ inSandbox: 50_000 }))).toBe(5_000);
  });

  it('has no rate when nothing reached the sandbox', () => {
    expect(pushRecordsPerSecond(result({ deliveredMs: undefined, inSandbox: 0 }))).toBeUndefined();
  });
});

describe('checkPushTargets', () => {
  it('passes a complete run at 8,000 records/s or more with 5 ms of latency', () => {
    expect(checkPushTargets(result())).toEqual([
      {
        target: 'push >= 8,000 records/s at 5 ms ShopiMind latency',
        measured: '10,000 records/s',
        pass: true,
      },
    ]);
  });

  it('misses a slow run', () => {
    expect(checkPushTargets(result({ deliveredMs: 20_000 }))[0]).toMatchObject({
      measured: '5,000 records/s',
      pass: false,
    });
  });

  it('does not pass a fast run that pushed part of the products, or had less latency than the target', () => {
    const partial = checkPushTargets(result({ deliveredMs: 5_000, inSandbox: 90_000 }))[0];
    expect(partial).toMatchObject({ measured: '18,000 records/s (incomplete)', pass: false });

    const easier = result({ options: { ...result().options, shopimindLatencyMs: 0 } });
    expect(checkPushTargets(easier)[0]).toMatchObject({
      measured: '10,000 records/s (at 0 ms)',
      pass: false,
    });
  });
});

describe('formatPushReport', () => {
  it('prints the throughput, the CPU and memory of push, the requests, the profile and the target', () => {
    const report = formatPushReport(result());

    expect(report).toContain(
      'Push benchmark: 100,000 products in 1,000 ProductsChangedEvent messages of up to 100, ShopiMind latency 5 ms',
    );
    expect(report).toContain('machine: 2 cores, 1-minute load average 1.3 at the start, 2.5 at the end');
    expect(report).toMatch(/records\/s \(first publish to last write\)\s+10,000/);
    expect(report).toMatch(/push CPU \(user \+ system\)\s+9\.2 s \(90\.0% of one core\)/);
    expect(report).toMatch(/push CPU per 1,000 products\s+92 ms/);
    expect(report).toMatch(/push peak RSS \(VmHWM \/ max sampled\)\s+180 MB \/ 175 MB/);
    expect(report).toMatch(/POST \/v1\/products\s+2,000\s+100,000\s+0/);
    expect(report).toMatch(/ShopiMind SDK and its HTTP stack \(\*\)\s+2\.00 s\s+20\.0%/);
    expect(report).toMatch(/\+ what it calls synchronously \(node http, sockets\)\s+2\.60 s\s+26\.0%/);
    expect(report).toMatch(/our code \(dist\/apps\/push\/main\.js\)\s+1\.00 s\s+10\.0%/);
    expect(report).toMatch(/everything else\s+7\.00 s\s+70\.0%/);
    expect(report).toMatch(/\* axios\s+1\.50 s\s+15\.0%/);
    expect(report).toMatch(/ {4}node internals\s+3\.00 s\s+30\.0%/);
    expect(report).toMatch(/toShopimindProduct \(line 5435\)\s+0\.40 s\s+4\.0%/);
    expect(report).toMatch(/push >= 8,000 records\/s at 5 ms ShopiMind latency\s+10,000 records\/s\s+PASS/);
  });

  it('still prints the figures without a profile, and says why', () => {
    const report = formatPushReport(
      result({ profile: undefined, notes: ['no CPU profile: Timed out after 60000 ms'] }),
    );

    expect(report).toContain('where push spent its CPU: no profile (see the notes)');
    expect(report).toContain('  no CPU profile: Timed out after 60000 ms');
    expect(report).toMatch(/records\/s \(first publish to last write\)\s+10,000/);
  });
});
