import { cpuTable, type CpuShare } from './cpu-shares';
import type { GatewayBenchOptions } from './gateway-bench-options';
import { n, seconds, table, targetLines, type TargetCheck } from './report-format';
import type { LatencySummary, LoadFigures } from './webhook-load';

/** How one phase's updates reached ShopiMind. */
export interface PhaseArrivals {
  /** Webhooks answered 200. */
  accepted: number;
  /** Updates whose new price the sandbox accepted. */
  arrived: number;
  /** Answered 200, never in the sandbox before the wait ended. */
  lost: number;
  /** From the first webhook sent until the sandbox accepted the last new price; undefined when none came. */
  appliedMs: number | undefined;
  /** Per update: webhook sent → record accepted by the sandbox. */
  latency: LatencySummary;
}

export interface BurstFigures {
  updates: number;
  send: LoadFigures;
  arrivals: PhaseArrivals;
}

export interface OutageFigures {
  updates: number;
  /** Updates already in ShopiMind when the sandbox began to answer 503. */
  arrivedBeforeFault: number;
  /** How long the sandbox answered 503 to every write. */
  faultMs: number;
  send: LoadFigures;
  arrivals: PhaseArrivals;
  /** Product records the sandbox accepted (stored) from the outage's start until it was quiet again. */
  recordsWritten: number;
  /** Product records sent to it over the same time, refused ones included. */
  recordsSent: number;
  /** From the fault cleared until the last new price arrived. */
  recoveredMs: number | undefined;
}

export interface GatewayBenchResult {
  options: GatewayBenchOptions;
  /** Products in the demo store, all fully synced before the measurements. */
  products: number;
  fullSyncMs: number;
  bare: LoadFigures;
  ingestion: LoadFigures;
  ingestionArrivals: PhaseArrivals;
  /** The CPU each process used from the first ingestion webhook until every update was in the sandbox. */
  ingestionCpu: CpuShare[];
  bursts: BurstFigures[];
  sustained: { send: LoadFigures; arrivals: PhaseArrivals };
  outage: OutageFigures;
  /** The machine is shared: its 1-minute load average tells how much else competed for its cores. */
  machine: { cores: number; loadAtStart: number; loadAtEnd: number };
  notes: string[];
}

/** Issue #17's targets for this 2-core machine. */
export const GATEWAY_TARGETS = {
  ingestionRequestsPerSecond: 3_000,
  ingestionP99Ms: 50,
  ratioToBareHandler: 0.5,
  updatesPerSecond: 3_000,
  sustainedP99Ms: 2_000,
  outageWritesPerRecord: 1.5,
};

export function updatesPerSecond(updates: number, arrivals: PhaseArrivals): number | undefined {
  return arrivals.appliedMs === undefined || arrivals.appliedMs <= 0
    ? undefined
    : (updates * 1000) / arrivals.appliedMs;
}

export function ratioToBare(result: GatewayBenchResult): number | undefined {
  const { requestsPerSecond: gateway } = result.ingestion;
  const { requestsPerSecond: bare } = result.bare;
  return gateway === undefined || bare === undefined || bare <= 0 ? undefined : gateway / bare;
}

/**
 * Records sent to ShopiMind per updated product, refused writes included: #17 counts the writes push makes, and a
 * write ShopiMind answers 503 is one ShopiMind had to take (and push had to wait for).
 */
export function outageWritesPerRecord(outage: OutageFigures): number | undefined {
  return outage.updates === 0 ? undefined : outage.recordsSent / outage.updates;
}

/** Milliseconds while they are short, seconds once they are not. */
const ms = (value: number | undefined): string =>
  value === undefined ? '-' : value >= 10_000 ? seconds(value) : `${Math.round(value)} ms`;
const rate = (value: number | undefined): string => (value === undefined ? '-' : n(Math.round(value)));
const complete = (arrivals: PhaseArrivals): boolean =>
  arrivals.lost === 0 && arrivals.arrived >= arrivals.accepted;
const incomplete = (arrivals: PhaseArrivals): string =>
  complete(arrivals) ? '' : ` (${n(arrivals.lost)} lost)`;

export function checkGatewayTargets(result: GatewayBenchResult): TargetCheck[] {
  const { ingestion, ingestionArrivals, sustained, outage } = result;
  const ratio = ratioToBare(result);
  const perRecord = outageWritesPerRecord(outage);
  const lost =
    ingestionArrivals.lost +
    result.bursts.reduce((sum, burst) => sum + burst.arrivals.lost, 0) +
    sustained.arrivals.lost +
    outage.arrivals.lost;
  return [
    {
      target: `ingestion >= ${n(GATEWAY_TARGETS.ingestionRequestsPerSecond)} req/s`,
      measured: `${rate(ingestion.requestsPerSecond)} req/s`,
      pass:
        ingestion.requestsPerSecond !== undefined &&
        ingestion.requestsPerSecond >= GATEWAY_TARGETS.ingestionRequestsPerSecond,
    },
    {
      target: `ingestion p99 <= ${GATEWAY_TARGETS.ingestionP99Ms} ms`,
      measured: ms(ingestion.p99Ms),
      pass: ingestion.p99Ms !== undefined && ingestion.p99Ms <= GATEWAY_TARGETS.ingestionP99Ms,
    },
    {
      target: 'ingestion 0 non-200',
      measured: n(ingestion.non200),
      pass: ingestion.non200 === 0,
    },
    {
      target: `ingestion >= ${GATEWAY_TARGETS.ratioToBareHandler}x the bare NestJS handler`,
      measured: ratio === undefined ? '-' : `${ratio.toFixed(2)}x`,
      pass: ratio !== undefined && ratio >= GATEWAY_TARGETS.ratioToBareHandler,
    },
    {
      target: '0 lost (answered 200, never in ShopiMind), all phases',
      measured: n(lost),
      pass: lost === 0,
    },
    ...result.bursts.map((burst) => {
      const perSecond = updatesPerSecond(burst.updates, burst.arrivals);
      return {
        target: `burst of ${n(burst.updates)} -> ShopiMind >= ${n(GATEWAY_TARGETS.updatesPerSecond)} updates/s`,
        measured: `${rate(perSecond)} updates/s${incomplete(burst.arrivals)}`,
        pass:
          complete(burst.arrivals) &&
          perSecond !== undefined &&
          perSecond >= GATEWAY_TARGETS.updatesPerSecond,
      };
    }),
    {
      target: `sustained ${n(result.options.rate)}/s: p99 webhook -> ShopiMind <= ${GATEWAY_TARGETS.sustainedP99Ms / 1000} s`,
      measured: `${ms(sustained.arrivals.latency.p99Ms)}${incomplete(sustained.arrivals)}`,
      pass:
        complete(sustained.arrivals) &&
        sustained.arrivals.latency.p99Ms !== undefined &&
        sustained.arrivals.latency.p99Ms <= GATEWAY_TARGETS.sustainedP99Ms,
    },
    {
      target: `outage: writes per record <= ${GATEWAY_TARGETS.outageWritesPerRecord}`,
      measured: `${perRecord === undefined ? '-' : perRecord.toFixed(2)}${incomplete(outage.arrivals)}`,
      pass:
        complete(outage.arrivals) &&
        perRecord !== undefined &&
        perRecord <= GATEWAY_TARGETS.outageWritesPerRecord,
    },
  ];
}

function loadRow(label: string, figures: LoadFigures, applied: string): string[] {
  return [
    label,
    rate(figures.requestsPerSecond),
    ms(figures.p50Ms),
    ms(figures.p99Ms),
    n(figures.non200),
    applied,
  ];
}

const applied = (updates: number, arrivals: PhaseArrivals): string =>
  `${n(arrivals.arrived)}/${n(updates)} in ${seconds(arrivals.appliedMs)}: ${rate(updatesPerSecond(updates, arrivals))} updates/s`;

export function formatGatewayReport(result: GatewayBenchResult): string {
  const { options, sustained, outage } = result;
  const ratio = ratioToBare(result);
  const perRecord = outageWritesPerRecord(outage);
  const lines = [
    `Gateway benchmark: signed product.updated store webhooks, ${n(options.connections)} keep-alive connections, each changing one product's price`,
    `gateway, sync and push built, one process each (NODE_ENV=production, LOG_LEVEL=warn), PostgreSQL + nats-server -js, demo store of ${n(result.products)} products (full sync ${seconds(result.fullSyncMs)}), ShopiMind sandbox at 0 ms`,
    `machine: ${result.machine.cores} cores, 1-minute load average ${result.machine.loadAtStart.toFixed(1)} at the start, ${result.machine.loadAtEnd.toFixed(1)} at the end`,
    '',
    `ingestion: ${n(options.webhooks)} webhooks`,
    ...table([
      ['', 'req/s', 'p50', 'p99', 'non-200', 'applied in ShopiMind'],
      loadRow('bare NestJS 11 handler (JSON body, 200)', result.bare, '-'),
      loadRow(
        'gateway with sync and push running',
        result.ingestion,
        applied(options.webhooks, result.ingestionArrivals),
      ),
    ]),
    `  gateway / bare handler: ${ratio === undefined ? '-' : `${ratio.toFixed(2)}x`}`,
    '  CPU meanwhile (first webhook sent until every update is in the sandbox):',
    ...cpuTable(result.ingestionCpu, options.webhooks, 'webhooks').map((line) => `  ${line}`),
    '',
    'webhook -> ShopiMind bursts (first webhook sent until the sandbox holds every new price)',
    ...table([
      ['updates', 'sent in', 'req/s', 'non-200', 'applied', 'lost', 'all applied after', 'updates/s'],
      ...result.bursts.map((burst) => [
        n(burst.updates),
        seconds(burst.send.durationMs),
        rate(burst.send.requestsPerSecond),
        n(burst.send.non200),
        n(burst.arrivals.arrived),
        n(burst.arrivals.lost),
        seconds(burst.arrivals.appliedMs),
        rate(updatesPerSecond(burst.updates, burst.arrivals)),
      ]),
    ]),
    '',
    `sustained: ${n(options.rate)} webhooks/s for ${options.seconds} s (webhook sent -> record accepted by the sandbox)`,
    ...table([
      [
        'webhooks sent on schedule, all answered after',
        `${n(sustained.send.count)}, ${seconds(sustained.send.durationMs)} (${rate(sustained.send.requestsPerSecond)} req/s)`,
      ],
      // Timed from each webhook's scheduled moment: a gateway slower than the rate makes them queue.
      ['gateway answer p50 / p99', `${ms(sustained.send.p50Ms)} / ${ms(sustained.send.p99Ms)}`],
      ['non-200', n(sustained.send.non200)],
      ['applied / lost', `${n(sustained.arrivals.arrived)} / ${n(sustained.arrivals.lost)}`],
      [
        'to ShopiMind p50 / p99 / max',
        `${ms(sustained.arrivals.latency.p50Ms)} / ${ms(sustained.arrivals.latency.p99Ms)} / ${ms(sustained.arrivals.latency.maxMs)}`,
      ],
    ]),
    '',
    `outage: ${n(outage.updates)} updates; once the first is applied, the sandbox answers 503 to every write for ${seconds(outage.faultMs)}, then recovers`,
    ...table([
      ['non-200 from the gateway', n(outage.send.non200)],
      ['applied before the fault began', n(outage.arrivedBeforeFault)],
      ['applied / lost', `${n(outage.arrivals.arrived)} / ${n(outage.arrivals.lost)}`],
      ['all applied after the fault cleared', seconds(outage.recoveredMs)],
      ['product records sent to ShopiMind (503s included)', n(outage.recordsSent)],
      ['writes per updated record', perRecord === undefined ? '-' : perRecord.toFixed(2)],
      ['product records stored by ShopiMind', n(outage.recordsWritten)],
      [
        '  per updated record',
        outage.updates === 0 ? '-' : (outage.recordsWritten / outage.updates).toFixed(2),
      ],
    ]),
  ];
  if (result.notes.length > 0) {
    lines.push('', 'notes', ...result.notes.map((note) => `  ${note}`));
  }
  lines.push('', ...targetLines(checkGatewayTargets(result)), '');
  return lines.join('\n');
}
