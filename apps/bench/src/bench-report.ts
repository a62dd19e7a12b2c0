import type { SyncBenchOptions } from './bench-options';
import { cpuTable, type CpuShare } from './cpu-shares';
import type { ProcessMemory } from './memory-sampler';
import type { NaivePipeFigures } from './naive-pipe';
import { MB, megabytes, n, seconds, table, targetLines, type TargetCheck } from './report-format';
import type { SyncRunSummary } from './sync-runs';

/** What one phase (full sync, unchanged re-sync) measured, times counted from its trigger. */
export interface PhaseFigures {
  runs: SyncRunSummary[];
  /** Until the last of its runs finished; undefined when none did. */
  runsFinishedMs: number | undefined;
  /** Until the last product or order write the sandbox accepted; undefined when it accepted none. */
  lastWriteMs: number | undefined;
  /** Items in the write requests the sandbox received after the trigger (every entity, deletes included). */
  recordsWritten: number;
  inSandbox: { products: number; orders: number };
  /** How entities ended when not "done" (not synced, pushed k of N, run failed). */
  notes: string[];
}

export interface BenchResult {
  options: SyncBenchOptions;
  full: PhaseFigures;
  resync: PhaseFigures;
  memory: ProcessMemory[];
  /** The CPU each process used from activation until the full sync's last record was in the sandbox. */
  fullCpu: CpuShare[];
  /** The naive pipe measured in the same run; undefined when skipped (`--no-naive-pipe`). */
  naivePipe?: NaivePipeFigures;
}

/** The targets for this 2-core machine. */
export const TARGETS = {
  fullSyncRecordsPerSecond: 5_000,
  resyncSpeedUp: 5,
  resyncRecordsPushed: 0,
  syncRssBytes: 300 * MB,
  /** The full sync's records/s as a share of the naive pipe's, measured in the same run. */
  fullSyncToNaivePipe: 0.6,
};

/** Products and orders the full sync delivered, per second until the sandbox held the last of them. */
export function fullSyncRecordsPerSecond(full: PhaseFigures): number | undefined {
  const delivered = full.inSandbox.products + full.inSandbox.orders;
  return full.lastWriteMs === undefined || full.lastWriteMs <= 0
    ? undefined
    : (delivered * 1000) / full.lastWriteMs;
}

/** Products and orders the naive pipe delivered, per second, counted like the full sync's. */
export function naivePipeRecordsPerSecond(naivePipe: NaivePipeFigures): number | undefined {
  const delivered = naivePipe.inSandbox.products + naivePipe.inSandbox.orders;
  return naivePipe.elapsedMs <= 0 ? undefined : (delivered * 1000) / naivePipe.elapsedMs;
}

/** The full sync's records/s as a share of the naive pipe's; undefined when either has none. */
export function fullSyncToNaivePipe(result: BenchResult): number | undefined {
  const full = fullSyncRecordsPerSecond(result.full);
  const naive = result.naivePipe === undefined ? undefined : naivePipeRecordsPerSecond(result.naivePipe);
  return full === undefined || naive === undefined || naive <= 0 ? undefined : full / naive;
}

/** A re-sync lasts until its runs finished and whatever it pushed arrived. */
export function resyncMs(resync: PhaseFigures): number | undefined {
  const ends = [resync.runsFinishedMs, resync.lastWriteMs].filter((ms): ms is number => ms !== undefined);
  return ends.length === 0 ? undefined : Math.max(...ends);
}

export function resyncSpeedUp(result: BenchResult): number | undefined {
  const resync = resyncMs(result.resync);
  const full = result.full.lastWriteMs;
  return resync === undefined || full === undefined || resync <= 0 ? undefined : full / resync;
}

function everythingDelivered(
  options: SyncBenchOptions,
  inSandbox: { products: number; orders: number },
): boolean {
  return inSandbox.products >= options.products && inSandbox.orders >= options.orders;
}

const ratioText = (value: number | undefined): string => (value === undefined ? '-' : `${value.toFixed(2)}x`);
const perSecondText = (value: number | undefined): string =>
  value === undefined ? '-' : n(Math.round(value));

/** Against a naive pipe, or a full sync, that did not deliver everything, the ratio cannot pass. */
function naivePipeCheck(result: BenchResult, naivePipe: NaivePipeFigures): TargetCheck {
  const share = fullSyncToNaivePipe(result);
  const fullComplete = everythingDelivered(result.options, result.full.inSandbox);
  const naiveComplete = everythingDelivered(result.options, naivePipe.inSandbox);
  const caveats = [
    ...(fullComplete ? [] : ['full sync incomplete']),
    ...(naiveComplete ? [] : ['naive pipe incomplete']),
  ];
  const rates = `${perSecondText(fullSyncRecordsPerSecond(result.full))} of ${perSecondText(naivePipeRecordsPerSecond(naivePipe))} records/s`;
  return {
    target: `full sync >= ${TARGETS.fullSyncToNaivePipe}x naive pipe`,
    measured: `${ratioText(share)} (${[rates, ...caveats].join(', ')})`,
    pass: fullComplete && naiveComplete && share !== undefined && share >= TARGETS.fullSyncToNaivePipe,
  };
}

export function checkTargets(result: BenchResult): TargetCheck[] {
  const rate = fullSyncRecordsPerSecond(result.full);
  const complete = everythingDelivered(result.options, result.full.inSandbox);
  const speedUp = resyncSpeedUp(result);
  const sync = result.memory.find((process) => process.name === 'sync');
  const syncPeak = sync?.peakRssBytes ?? sync?.maxSampledRssBytes;
  return [
    {
      target: `full sync >= ${n(TARGETS.fullSyncRecordsPerSecond)} records/s`,
      // A rate over part of the records is no full sync: it cannot pass.
      measured: `${rate === undefined ? '-' : n(Math.round(rate))} records/s${complete ? '' : ' (incomplete)'}`,
      pass: complete && rate !== undefined && rate >= TARGETS.fullSyncRecordsPerSecond,
    },
    {
      target: `unchanged re-sync >= ${TARGETS.resyncSpeedUp}x faster`,
      measured: speedUp === undefined ? '-' : `${speedUp.toFixed(1)}x`,
      pass: speedUp !== undefined && speedUp >= TARGETS.resyncSpeedUp,
    },
    {
      target: `unchanged re-sync pushes ${TARGETS.resyncRecordsPushed} records`,
      measured: `${n(result.resync.recordsWritten)} records`,
      pass: result.resync.recordsWritten === TARGETS.resyncRecordsPushed,
    },
    {
      target: `sync-service RSS <= ${megabytes(TARGETS.syncRssBytes)}`,
      measured: megabytes(syncPeak),
      pass: syncPeak !== undefined && syncPeak <= TARGETS.syncRssBytes,
    },
    ...(result.naivePipe === undefined ? [] : [naivePipeCheck(result, result.naivePipe)]),
  ];
}

function runRows(label: string, runs: readonly SyncRunSummary[]): string[][] {
  return runs.map((run) => [
    label,
    run.entity,
    run.status,
    n(run.pagesFetched),
    n(run.recordsSeen),
    n(run.recordsValid),
    n(run.recordsChanged),
    n(run.recordsSkipped),
    seconds(run.finishedAt === null ? undefined : run.finishedAt.getTime() - run.startedAt.getTime()),
  ]);
}

function timingLines(label: string, runs: readonly SyncRunSummary[]): string[] {
  return runs
    .filter((run) => Object.keys(run.timings).length > 0)
    .map(
      (run) =>
        `  ${label} ${run.entity} by step: ` +
        Object.entries(run.timings)
          .map(([step, ms]) => `${step.replace(/Ms$/, '')} ${seconds(ms)}`)
          .join(', '),
    );
}

/** The phases side by side, the naive pipe's column and ratio added when it ran. */
function phaseRows(result: BenchResult): string[][] {
  const { options, full, resync, naivePipe } = result;
  const rate = fullSyncRecordsPerSecond(full);
  const speedUp = resyncSpeedUp(result);
  const held = (inSandbox: { products: number; orders: number }): string =>
    `${n(inSandbox.products + inSandbox.orders)} of ${n(options.products + options.orders)}`;
  const rows = [
    ['', 'full sync', 'unchanged re-sync'],
    ['runs finished after', seconds(full.runsFinishedMs), seconds(resync.runsFinishedMs)],
    ['end to end (sandbox complete)', seconds(full.lastWriteMs), seconds(resyncMs(resync))],
    ['in sandbox (products + orders)', held(full.inSandbox), held(resync.inSandbox)],
    ['records written (all entities)', n(full.recordsWritten), n(resync.recordsWritten)],
    ['records/s (end to end)', rate === undefined ? '-' : n(Math.round(rate)), ''],
    ['speed-up vs full sync', '', speedUp === undefined ? '-' : `${speedUp.toFixed(1)}x`],
  ];
  if (naivePipe === undefined) {
    return rows;
  }
  const column = [
    'naive pipe',
    '',
    seconds(naivePipe.elapsedMs),
    held(naivePipe.inSandbox),
    n(naivePipe.itemsWritten),
    perSecondText(naivePipeRecordsPerSecond(naivePipe)),
    '',
  ];
  return [
    ...rows.map((row, k) => [...row, column[k]]),
    ['full sync / naive pipe', ratioText(fullSyncToNaivePipe(result)), '', ''],
  ];
}

function naivePipeLine({ naivePipe }: BenchResult): string {
  if (naivePipe === undefined) {
    return 'naive pipe: skipped (--no-naive-pipe)';
  }
  const rejected =
    naivePipe.itemsRejected > 0 ? `; ShopiMind rejected ${n(naivePipe.itemsRejected)} items` : '';
  return (
    'naive pipe: the same store pages (2 in flight), normalizers and mappers, saved with the SDK, ids kept in memory;' +
    ` no database, no bus; its own process and sandbox, before the services start${rejected}`
  );
}

/** CPU seconds per process during the full sync, and per 1,000 records delivered. */
function cpuLines({ full, fullCpu }: BenchResult): string[] {
  return [
    'CPU during the full sync (activation until the last record is in the sandbox)',
    ...cpuTable(fullCpu, full.inSandbox.products + full.inSandbox.orders, 'records'),
  ];
}

export function formatReport(result: BenchResult): string {
  const { options, full, resync } = result;
  const lines = [
    `Sync benchmark: ${n(options.products)} products + ${n(options.orders)} orders, ShopiMind latency ${options.shopimindLatencyMs} ms, ${options.pageSize} records per store page`,
    'gateway, sync and push built, one process each (NODE_ENV=production, LOG_LEVEL=warn), PostgreSQL + nats-server -js',
    naivePipeLine(result),
    '',
    ...table(phaseRows(result)),
    '',
    'sync runs',
    ...table([
      ['', 'entity', 'status', 'pages', 'seen', 'valid', 'changed', 'skipped', 'took'],
      ...runRows('full', full.runs),
      ...runRows('re-sync', resync.runs),
    ]),
    ...timingLines('full', full.runs),
    ...timingLines('re-sync', resync.runs),
  ];
  const notes = [
    ...full.notes.map((note) => `full sync: ${note}`),
    ...resync.notes.map((note) => `re-sync: ${note}`),
  ];
  if (notes.length > 0) {
    lines.push('', 'notes', ...notes.map((note) => `  ${note}`));
  }
  lines.push('', ...cpuLines(result));
  lines.push(
    '',
    'peak RSS (MB = 2^20 bytes)',
    ...table([
      ['', 'VmHWM', 'max VmRSS sampled'],
      ...result.memory.map((process) => [
        process.name,
        megabytes(process.peakRssBytes),
        megabytes(process.maxSampledRssBytes),
      ]),
    ]),
    '',
    ...targetLines(checkTargets(result)),
    '',
  );
  return lines.join('\n');
}
