import { parseCountFlags, type CountFlag, type ParsedArgs } from './bench-options';

export interface GatewayBenchOptions {
  /** Signed `product.updated` webhooks of the ingestion measurement, sent to the gateway and to the bare handler. */
  webhooks: number;
  /** Keep-alive connections the webhooks are sent over. */
  connections: number;
  /** Webhook → ShopiMind: one burst of this many product updates each, in this order. */
  bursts: number[];
  /** Sustained latency: webhooks per second... */
  rate: number;
  /** ...for this long. */
  seconds: number;
  /** Outage: product updates sent while the sandbox answers 503 to every write... */
  outageUpdates: number;
  /** ...for this long, then the fault is cleared. */
  outageSeconds: number;
  timeLimitMinutes: number;
}

export const DEFAULT_GATEWAY_BENCH_OPTIONS: Readonly<GatewayBenchOptions> = {
  webhooks: 5_000,
  connections: 50,
  bursts: [5_000, 50_000],
  rate: 500,
  seconds: 60,
  outageUpdates: 5_000,
  outageSeconds: 10,
  timeLimitMinutes: 30,
};

export const GATEWAY_BENCH_USAGE =
  'Usage: nx run gateway:bench [--webhooks 5000] [--connections 50] [--bursts 5000,50000] [--rate 500] [--seconds 60] [--outage-updates 5000] [--outage-seconds 10] [--time-limit-minutes 30]\n';

type CountOptions = Omit<GatewayBenchOptions, 'bursts'>;

const GATEWAY_FLAGS: Record<string, CountFlag<CountOptions>> = {
  webhooks: { key: 'webhooks', min: 1 },
  connections: { key: 'connections', min: 1 },
  rate: { key: 'rate', min: 1 },
  seconds: { key: 'seconds', min: 1 },
  'outage-updates': { key: 'outageUpdates', min: 1 },
  'outage-seconds': { key: 'outageSeconds', min: 1 },
  'time-limit-minutes': { key: 'timeLimitMinutes', min: 1 },
};

const BURSTS_FLAG = '--bursts';

/** `5000,50000`: at least one burst, each of at least one update. */
function parseBursts(text: string): number[] {
  const bursts = text.split(',').map((part) => (/^\s*\d+\s*$/.test(part) ? Number(part) : Number.NaN));
  if (bursts.some((burst) => !Number.isSafeInteger(burst) || burst < 1)) {
    throw new RangeError(`--bursts must be whole numbers >= 1 separated by commas, got "${text}"`);
  }
  return bursts;
}

/** Takes `--bursts <list>` (or `--bursts=<list>`) out; the other flags are whole numbers. */
export function parseGatewayBenchArgs(argv: readonly string[]): ParsedArgs<GatewayBenchOptions> {
  const rest: string[] = [];
  let bursts = DEFAULT_GATEWAY_BENCH_OPTIONS.bursts;
  for (let k = 0; k < argv.length; k += 1) {
    const arg = argv[k];
    if (arg === BURSTS_FLAG) {
      if (k + 1 >= argv.length) {
        throw new RangeError('--bursts needs a value');
      }
      bursts = parseBursts(argv[(k += 1)]);
    } else if (arg.startsWith(`${BURSTS_FLAG}=`)) {
      bursts = parseBursts(arg.slice(BURSTS_FLAG.length + 1));
    } else {
      rest.push(arg);
    }
  }
  const parsed = parseCountFlags<CountOptions>(rest, DEFAULT_GATEWAY_BENCH_OPTIONS, GATEWAY_FLAGS);
  return parsed.help ? parsed : { help: false, options: { ...parsed.options, bursts: [...bursts] } };
}

/** Every phase changes distinct products: the demo store needs as many as the largest phase. */
export function productsNeeded(options: GatewayBenchOptions): number {
  return Math.max(options.webhooks, ...options.bursts, options.rate * options.seconds, options.outageUpdates);
}
