/**
 * The benchmarks `main.ts` runs: `--bench sync` (the default, `nx run sync:bench`), `--bench push` or
 * `--bench gateway`.
 */
export const BENCHES = ['sync', 'push', 'gateway'] as const;
export type BenchName = (typeof BENCHES)[number];

export interface SyncBenchOptions {
  products: number;
  orders: number;
  shopimindLatencyMs: number;
  /** The merchant's `store_page_size`: records per store page. */
  pageSize: number;
  timeLimitMinutes: number;
  /** Measures the naive pipe (`naive-pipe.ts`) in the same run, the full sync's yardstick; `--no-naive-pipe` skips it. */
  naivePipe: boolean;
}

export interface PushBenchOptions {
  products: number;
  shopimindLatencyMs: number;
  /** Products per `ProductsChangedEvent`: sync sends one message per crawled page. */
  pageSize: number;
  timeLimitMinutes: number;
}

export const DEFAULT_SYNC_BENCH_OPTIONS: Readonly<SyncBenchOptions> = {
  products: 100_000,
  orders: 50_000,
  shopimindLatencyMs: 0,
  // The largest page the generic API allows: what a merchant with a big catalogue would choose.
  pageSize: 100,
  timeLimitMinutes: 15,
  naivePipe: true,
};

export const DEFAULT_PUSH_BENCH_OPTIONS: Readonly<PushBenchOptions> = {
  products: 100_000,
  // The target (>= 8,000 records/s) is set against a ShopiMind answering in 5 ms.
  shopimindLatencyMs: 5,
  pageSize: 100,
  timeLimitMinutes: 15,
};

export const SYNC_BENCH_USAGE =
  'Usage: nx run sync:bench [--products 100000] [--orders 50000] [--shopimind-latency-ms 0] [--page-size 100] [--time-limit-minutes 15] [--no-naive-pipe]\n';

export const PUSH_BENCH_USAGE =
  'Usage: nx run push:bench [--products 100000] [--shopimind-latency-ms 5] [--page-size 100] [--time-limit-minutes 15]\n';

export type ParsedArgs<T> = { help: true } | { help: false; options: T };

/** A whole-number flag: which option it sets and its smallest sensible value. */
export interface CountFlag<T> {
  key: keyof T & string;
  min: number;
}

// A benchmark of nothing measures nothing; a time limit of 0 could never pass.
const SYNC_FLAGS: Record<string, CountFlag<SyncBenchOptions>> = {
  products: { key: 'products', min: 1 },
  orders: { key: 'orders', min: 0 },
  'shopimind-latency-ms': { key: 'shopimindLatencyMs', min: 0 },
  'page-size': { key: 'pageSize', min: 1 },
  'time-limit-minutes': { key: 'timeLimitMinutes', min: 1 },
};

const PUSH_FLAGS: Record<string, CountFlag<PushBenchOptions>> = {
  products: { key: 'products', min: 1 },
  'shopimind-latency-ms': { key: 'shopimindLatencyMs', min: 0 },
  'page-size': { key: 'pageSize', min: 1 },
  'time-limit-minutes': { key: 'timeLimitMinutes', min: 1 },
};

/** Nx may forward `--shopimind-latency-ms` as `--shopimindLatencyMs`: both spell the same flag. */
function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

function count(flag: string, text: string, min: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`--${flag} must be a whole number >= ${min}, got "${text}"`);
  }
  return value;
}

/** `--flag value` and `--flag=value`; throws a RangeError naming the flag on anything else. */
export function parseCountFlags<T extends object>(
  argv: readonly string[],
  defaults: Readonly<T>,
  flags: Record<string, CountFlag<T>>,
): ParsedArgs<T> {
  const options: T = { ...defaults };
  for (let k = 0; k < argv.length; k += 1) {
    const arg = argv[k];
    if (arg === '--help' || arg === '-h') {
      return { help: true };
    }
    if (!arg.startsWith('--')) {
      throw new RangeError(`unexpected argument "${arg}"`);
    }
    const eq = arg.indexOf('=');
    const flag = kebab(arg.slice(2, eq > 0 ? eq : undefined));
    const spec = Object.hasOwn(flags, flag) ? flags[flag] : undefined;
    if (spec === undefined) {
      throw new RangeError(`unknown flag --${flag}`);
    }
    let text: string;
    if (eq > 0) {
      text = arg.slice(eq + 1);
    } else if (k + 1 < argv.length) {
      text = argv[(k += 1)];
    } else {
      throw new RangeError(`--${flag} needs a value`);
    }
    Object.assign(options, { [spec.key]: count(flag, text, spec.min) });
  }
  return { help: false, options };
}

const NAIVE_PIPE_FLAG = 'naive-pipe';

/**
 * Takes the naive pipe's switch out of the arguments: `--no-naive-pipe`, or spelled out `--naive-pipe=true|false`
 * (camel-cased too, as Nx may forward a flag).
 */
function takeNaivePipeFlag(argv: readonly string[]): { naivePipe: boolean; rest: string[] } {
  let naivePipe = DEFAULT_SYNC_BENCH_OPTIONS.naivePipe;
  const rest: string[] = [];
  for (const arg of argv) {
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') ? kebab(arg.slice(2, eq > 0 ? eq : undefined)) : '';
    const value = eq > 0 ? arg.slice(eq + 1) : undefined;
    if (flag === `no-${NAIVE_PIPE_FLAG}`) {
      if (value !== undefined) {
        throw new RangeError(`--no-${NAIVE_PIPE_FLAG} takes no value`);
      }
      naivePipe = false;
    } else if (flag === NAIVE_PIPE_FLAG) {
      if (value !== undefined && value !== 'true' && value !== 'false') {
        throw new RangeError(`--${NAIVE_PIPE_FLAG} must be true or false, got "${value}"`);
      }
      naivePipe = value !== 'false';
    } else {
      rest.push(arg);
    }
  }
  return { naivePipe, rest };
}

export function parseSyncBenchArgs(argv: readonly string[]): ParsedArgs<SyncBenchOptions> {
  const { naivePipe, rest } = takeNaivePipeFlag(argv);
  const parsed = parseCountFlags(rest, DEFAULT_SYNC_BENCH_OPTIONS, SYNC_FLAGS);
  return parsed.help ? parsed : { help: false, options: { ...parsed.options, naivePipe } };
}

export function parsePushBenchArgs(argv: readonly string[]): ParsedArgs<PushBenchOptions> {
  return parseCountFlags(argv, DEFAULT_PUSH_BENCH_OPTIONS, PUSH_FLAGS);
}

/**
 * Takes `--bench <name>` (or `--bench=<name>`) out of the arguments; the rest belongs to that benchmark. Without
 * it the sync benchmark runs, as `nx run sync:bench` always did.
 */
export function selectBench(argv: readonly string[]): { bench: BenchName; argv: string[] } {
  const rest: string[] = [];
  let bench: string | undefined;
  for (let k = 0; k < argv.length; k += 1) {
    const arg = argv[k];
    if (arg === '--bench') {
      if (k + 1 >= argv.length) {
        throw new RangeError('--bench needs a value');
      }
      bench = argv[(k += 1)];
    } else if (arg.startsWith('--bench=')) {
      bench = arg.slice('--bench='.length);
    } else {
      rest.push(arg);
    }
  }
  const known = BENCHES.find((name) => name === (bench ?? 'sync'));
  if (known === undefined) {
    throw new RangeError(`--bench must be one of ${BENCHES.join(', ')}, got "${bench}"`);
  }
  return { bench: known, argv: rest };
}
