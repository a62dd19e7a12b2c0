// First: @storebridge/testing loads the persistence entities, whose decorators need the metadata polyfill.
import 'reflect-metadata';
import { BENCH_USAGE, parseBenchArgs, type ParsedBenchArgs } from './bench-options';
import { formatReport } from './bench-report';
import { runSyncBench } from './sync-bench';

/**
 * `nx run sync:bench` (or `npm run bench:sync`): full sync, then an unchanged re-sync, of a demo store into the
 * ShopiMind sandbox with gateway, sync and push in production mode; prints the figures and the targets. The
 * targets are informative: exit code 0 whatever they say, 1 when the benchmark itself failed, 2 on bad flags.
 */
async function main(): Promise<number> {
  let parsed: ParsedBenchArgs;
  try {
    parsed = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${BENCH_USAGE}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(BENCH_USAGE);
    return 0;
  }
  // Ctrl+C stops the measurement and still runs the cleanup (services, PostgreSQL, temporary folders).
  const interrupted = new AbortController();
  const interrupt = () => interrupted.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const result = await runSyncBench(
      parsed.options,
      (line) => process.stderr.write(`[bench] ${line}\n`),
      interrupted.signal,
    );
    process.stdout.write(formatReport(result));
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
    process.stderr.write(
      `sync benchmark failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
