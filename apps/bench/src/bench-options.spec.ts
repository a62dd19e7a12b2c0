import { DEFAULT_BENCH_OPTIONS, parseBenchArgs } from './bench-options';

describe('parseBenchArgs', () => {
  it('defaults to 100,000 products, 50,000 orders, no ShopiMind latency, pages of 100 and 15 minutes', () => {
    expect(parseBenchArgs([])).toEqual({
      help: false,
      options: {
        products: 100_000,
        orders: 50_000,
        shopimindLatencyMs: 0,
        pageSize: 100,
        timeLimitMinutes: 15,
      },
    });
  });

  it.each([
    [['--products', '3000', '--orders', '1000'], { products: 3000, orders: 1000 }],
    [['--products=3000', '--orders=0'], { products: 3000, orders: 0 }],
    [['--page-size', '50'], { pageSize: 50 }],
    [
      ['--shopimind-latency-ms', '20', '--time-limit-minutes=2'],
      { shopimindLatencyMs: 20, timeLimitMinutes: 2 },
    ],
    // How Nx forwards a kebab-case flag it parsed itself.
    [['--shopimindLatencyMs=20', '--timeLimitMinutes=3'], { shopimindLatencyMs: 20, timeLimitMinutes: 3 }],
  ])('reads %j', (argv, expected) => {
    expect(parseBenchArgs(argv)).toEqual({ help: false, options: { ...DEFAULT_BENCH_OPTIONS, ...expected } });
  });

  it('answers help', () => {
    expect(parseBenchArgs(['--orders', '5', '--help'])).toEqual({ help: true });
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
  ])('refuses %j', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});
