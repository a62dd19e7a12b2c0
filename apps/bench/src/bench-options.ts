export interface BenchOptions {
  products: number;
  orders: number;
  shopimindLatencyMs: number;
  /** The merchant's `store_page_size`: records per store page. */
  pageSize: number;
  timeLimitMinutes: number;
}

export const DEFAULT_BENCH_OPTIONS: Readonly<BenchOptions> = {
  products: 100_000,
  orders: 50_000,
  shopimindLatencyMs: 0,
  // The largest page the generic API allows: what a merchant with a big catalogue would choose.
  pageSize: 100,
  timeLimitMinutes: 15,
};

export const BENCH_USAGE =
  'Usage: nx run sync:bench [--products 100000] [--orders 50000] [--shopimind-latency-ms 0] [--page-size 100] [--time-limit-minutes 15]\n';

export type ParsedBenchArgs = { help: true } | { help: false; options: BenchOptions };

const FLAGS: Record<string, keyof BenchOptions> = {
  products: 'products',
  orders: 'orders',
  'shopimind-latency-ms': 'shopimindLatencyMs',
  'page-size': 'pageSize',
  'time-limit-minutes': 'timeLimitMinutes',
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
export function parseBenchArgs(argv: readonly string[]): ParsedBenchArgs {
  const options: BenchOptions = { ...DEFAULT_BENCH_OPTIONS };
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
    const key = FLAGS[flag];
    if (key === undefined) {
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
    // A benchmark of nothing measures nothing; a time limit of 0 could never pass.
    options[key] = count(flag, text, key === 'orders' || key === 'shopimindLatencyMs' ? 0 : 1);
  }
  return { help: false, options };
}
