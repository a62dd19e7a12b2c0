import {
  DEFAULT_PUSH_BENCH_OPTIONS,
  DEFAULT_SYNC_BENCH_OPTIONS,
  parsePushBenchArgs,
  parseSyncBenchArgs,
  selectBench,
} from './bench-options';

describe('parseSyncBenchArgs', () => {
  it('defaults to 100,000 products, 50,000 orders, no ShopiMind latency, pages of 100 and 15 minutes', () => {
    expect(parseSyncBenchArgs([])).toEqual({
      help: false,
      options: {
        products: 100_000,
        orders: 50_000,
        shopimindLatencyMs: 0,
        pageSize: 100,
        timeLimitMinutes: 15,
        naivePipe: true,
      },
    });
  });

  it.each([
    [['--products', '3000', '--orders', '1000'], { products: 3000, orders: 1000 }],
    [['--no-naive-pipe', '--orders', '10'], { naivePipe: false, orders: 10 }],
    // The switch spelled out, camel-cased too as Nx may forward a flag.
    [['--no-naive-pipe', '--naive-pipe=false', '--naivePipe=false'], { naivePipe: false }],
    [['--naive-pipe=true'], { naivePipe: true }],
    [['--products=3000', '--orders=0'], { products: 3000, orders: 0 }],
    [['--page-size', '50'], { pageSize: 50 }],
    [
      ['--shopimind-latency-ms', '20', '--time-limit-minutes=2'],
      { shopimindLatencyMs: 20, timeLimitMinutes: 2 },
    ],
    // How Nx forwards a kebab-case flag it parsed itself.
    [['--shopimindLatencyMs=20', '--timeLimitMinutes=3'], { shopimindLatencyMs: 20, timeLimitMinutes: 3 }],
  ])('reads %j', (argv, expected) => {
    expect(parseSyncBenchArgs(argv)).toEqual({
      help: false,
      options: { ...DEFAULT_SYNC_BENCH_OPTIONS, ...expected },
    });
  });

  it('answers help', () => {
    expect(parseSyncBenchArgs(['--orders', '5', '--help'])).toEqual({ help: true });
  });

  it.each([
    [['--products', '0'], /--products must be a whole number >= 1, got "0"/],
    [['--orders', '-5'], /--orders must be a whole number >= 0, got "-5"/],
    [['--orders', '1e3'], /--orders must be a whole number/],
    [['--time-limit-minutes', '0'], /--time-limit-minutes must be a whole number >= 1/],
    [['--page-size', '0'], /--page-size must be a whole number >= 1/],
    [['--products'], /--products needs a value/],
    [['--customers', '5'], /unknown flag --customers/],
    [['products'], /unexpected argument "products"/],
    [['--naive-pipe=maybe'], /--naive-pipe must be true or false, got "maybe"/],
    [['--no-naive-pipe=false'], /--no-naive-pipe takes no value/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSyncBenchArgs(argv)).toThrow(message);
  });
});

describe('parsePushBenchArgs', () => {
  it('defaults to 100,000 products, 5 ms of ShopiMind latency, messages of 100 products and 15 minutes', () => {
    expect(parsePushBenchArgs([])).toEqual({
      help: false,
      options: { products: 100_000, shopimindLatencyMs: 5, pageSize: 100, timeLimitMinutes: 15 },
    });
  });

  it.each([
    [['--products', '20000'], { products: 20_000 }],
    [['--shopimind-latency-ms=0', '--page-size', '50'], { shopimindLatencyMs: 0, pageSize: 50 }],
    [['--shopimindLatencyMs=20', '--timeLimitMinutes=3'], { shopimindLatencyMs: 20, timeLimitMinutes: 3 }],
  ])('reads %j', (argv, expected) => {
    expect(parsePushBenchArgs(argv)).toEqual({
      help: false,
      options: { ...DEFAULT_PUSH_BENCH_OPTIONS, ...expected },
    });
  });

  it.each([
    // Push has no orders to measure: the sync flag is refused rather than silently ignored.
    [['--orders', '5'], /unknown flag --orders/],
    [['--products', '0'], /--products must be a whole number >= 1, got "0"/],
    [['--page-size=0'], /--page-size must be a whole number >= 1/],
    [['--constructor', '1'], /unknown flag --constructor/],
  ])('refuses %j', (argv, message) => {
    expect(() => parsePushBenchArgs(argv)).toThrow(message);
  });
});

describe('selectBench', () => {
  it('runs the sync benchmark when none is named, with every argument', () => {
    expect(selectBench(['--products', '5'])).toEqual({ bench: 'sync', argv: ['--products', '5'] });
  });

  it.each([[['--bench', 'push', '--products', '5']], [['--products', '5', '--bench=push']]])(
    'takes the benchmark out of %j',
    (argv) => {
      expect(selectBench(argv)).toEqual({ bench: 'push', argv: ['--products', '5'] });
    },
  );

  it('selects the gateway benchmark', () => {
    expect(selectBench(['--bench=gateway', '--rate', '5'])).toEqual({
      bench: 'gateway',
      argv: ['--rate', '5'],
    });
  });

  it.each([
    [['--bench', 'orders'], /--bench must be one of sync, push, gateway, got "orders"/],
    [['--bench'], /--bench needs a value/],
  ])('refuses %j', (argv, message) => {
    expect(() => selectBench(argv)).toThrow(message);
  });
});
