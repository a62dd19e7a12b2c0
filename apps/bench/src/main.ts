// First: @storebridge/testing loads the persistence entities, whose decorators need the metadata polyfill.
import 'reflect-metadata';
import type { ProgressLine } from './bench-harness';
import {
  parsePushBenchArgs,
  parseSyncBenchArgs,
  PUSH_BENCH_USAGE,
  selectBench,
  SYNC_BENCH_USAGE,
  type BenchName,
  type ParsedArgs,
} from './bench-options';
import { formatReport } from './bench-report';
import { runGatewayBench } from './gateway-bench';
import { GATEWAY_BENCH_USAGE, parseGatewayBenchArgs } from './gateway-bench-options';
import { formatGatewayReport } from './gateway-bench-report';
import { runPushBench } from './push-bench';
import { formatPushReport } from './push-bench-report';
import { runSyncBench } from './sync-bench';
import { loggableErrorText } from '@storebridge/security';

/** A benchmark with its flags parsed: `--help`, or the measurement, answering its printed report. */
type Prepared =
  { help: true } | { help: false; run(progress: ProgressLine, interrupted: AbortSignal): Promise<string> };

function prepared<T>(
  parsed: ParsedArgs<T>,
  run: (options: T, progress: ProgressLine, interrupted: AbortSignal) => Promise<string>,
): Prepared {
  return parsed.help
    ? { help: true }
    : { help: false, run: (progress, interrupted) => run(parsed.options, progress, interrupted) };
}

const BENCHES: Record<BenchName, { usage: string; prepare(argv: readonly string[]): Prepared }> = {
  sync: {
    usage: SYNC_BENCH_USAGE,
    prepare: (argv) =>
      prepared(parseSyncBenchArgs(argv), async (...args) => formatReport(await runSyncBench(...args))),
  },
  push: {
    usage: PUSH_BENCH_USAGE,
    prepare: (argv) =>
      prepared(parsePushBenchArgs(argv), async (...args) => formatPushReport(await runPushBench(...args))),
  },
  gateway: {
    usage: GATEWAY_BENCH_USAGE,
    prepare: (argv) =>
      prepared(parseGatewayBenchArgs(argv), async (...args) =>
        formatGatewayReport(await runGatewayBench(...args)),
      ),
  },
};

/**
 * `nx run sync:bench` (or `npm run bench:sync`): full sync, then an unchanged re-sync, of a demo store into the
 * ShopiMind sandbox with gateway, sync and push in production mode. `nx run push:bench` (`--bench push`): products
 * published onto JetStream, pushed by the push service into the sandbox, and where push spends its CPU.
 * `nx run gateway:bench` (`--bench gateway`): signed store webhooks through the gateway against a bare NestJS
 * handler, on to ShopiMind in bursts, at a sustained rate and through an outage. All print their figures and
 * targets. The targets are informative: exit code 0 whatever they say, 1 when the benchmark itself failed, 2 on
 * bad flags.
 */
async function main(): Promise<number> {
  let selected: ReturnType<typeof selectBench>;
  try {
    selected = selectBench(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(
      `${loggableErrorText(error)}\n${SYNC_BENCH_USAGE}${PUSH_BENCH_USAGE}${GATEWAY_BENCH_USAGE}`,
    );
    return 2;
  }
  const bench = BENCHES[selected.bench];
  let benchmark: Prepared;
  try {
    benchmark = bench.prepare(selected.argv);
  } catch (error) {
    process.stderr.write(`${loggableErrorText(error)}\n${bench.usage}`);
    return 2;
  }
  if (benchmark.help) {
    process.stdout.write(bench.usage);
    return 0;
  }
  // Ctrl+C stops the measurement and still runs the cleanup (services, PostgreSQL, temporary folders).
  const interrupted = new AbortController();
  const interrupt = () => interrupted.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const report = await benchmark.run(
      (line) => process.stderr.write(`[bench] ${line}\n`),
      interrupted.signal,
    );
    process.stdout.write(report);
    return 0;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`benchmark failed: ${loggableErrorText(error)}\n`);
    process.exitCode = 1;
  },
);
