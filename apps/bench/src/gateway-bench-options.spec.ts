import {
  DEFAULT_GATEWAY_BENCH_OPTIONS,
  GATEWAY_BENCH_USAGE,
  parseGatewayBenchArgs,
  productsNeeded,
} from './gateway-bench-options';

describe('parseGatewayBenchArgs', () => {
  it("defaults to issue #17's runs: 5,000 webhooks over 50 connections, bursts of 5,000 and 50,000, 500/s for 60 s", () => {
    expect(parseGatewayBenchArgs([])).toEqual({
      help: false,
      options: {
        webhooks: 5_000,
        connections: 50,
        bursts: [5_000, 50_000],
        rate: 500,
        seconds: 60,
        outageUpdates: 5_000,
        outageSeconds: 10,
        timeLimitMinutes: 30,
      },
    });
  });

  it.each([
    [['--bursts', '2000'], { bursts: [2_000] }],
    [['--bursts=2000,300,2000', '--seconds', '15'], { bursts: [2_000, 300, 2_000], seconds: 15 }],
    [['--rate', '100', '--connections=8'], { rate: 100, connections: 8 }],
    [
      ['--webhooks', '1000', '--outage-updates', '200', '--outage-seconds=3'],
      { webhooks: 1_000, outageUpdates: 200, outageSeconds: 3 },
    ],
    // How Nx forwards a kebab-case flag it parsed itself.
    [['--outageUpdates=20', '--timeLimitMinutes=5'], { outageUpdates: 20, timeLimitMinutes: 5 }],
  ])('reads %j', (argv, expected) => {
    expect(parseGatewayBenchArgs(argv)).toEqual({
      help: false,
      options: { ...DEFAULT_GATEWAY_BENCH_OPTIONS, ...expected },
    });
  });

  it('answers help, whatever else is given', () => {
    expect(parseGatewayBenchArgs(['--rate', '5', '--help'])).toEqual({ help: true });
    expect(GATEWAY_BENCH_USAGE).toContain('[--bursts 5000,50000]');
  });

  it('does not share its default bursts with the options it returns', () => {
    const parsed = parseGatewayBenchArgs([]);
    if (parsed.help) {
      throw new Error('no help asked');
    }
    parsed.options.bursts.push(1);
    expect(DEFAULT_GATEWAY_BENCH_OPTIONS.bursts).toEqual([5_000, 50_000]);
  });

  it.each([
    [['--bursts'], /--bursts needs a value/],
    [['--bursts', ''], /--bursts must be whole numbers >= 1 separated by commas, got ""/],
    [['--bursts=5000,'], /--bursts must be whole numbers >= 1 separated by commas, got "5000,"/],
    [['--bursts', '0'], /--bursts must be whole numbers >= 1/],
    [['--bursts', '1e3'], /--bursts must be whole numbers >= 1/],
    [['--rate', '0'], /--rate must be a whole number >= 1, got "0"/],
    [['--seconds', '-5'], /--seconds must be a whole number >= 1/],
    [['--connections'], /--connections needs a value/],
    [['--products', '5'], /unknown flag --products/],
    [['5000'], /unexpected argument "5000"/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseGatewayBenchArgs(argv)).toThrow(message);
  });
});

describe('productsNeeded', () => {
  it('is the largest phase: each phase updates distinct products', () => {
    expect(productsNeeded(DEFAULT_GATEWAY_BENCH_OPTIONS)).toBe(50_000);
    expect(productsNeeded({ ...DEFAULT_GATEWAY_BENCH_OPTIONS, bursts: [2_000], seconds: 15 })).toBe(7_500);
    expect(
      productsNeeded({
        ...DEFAULT_GATEWAY_BENCH_OPTIONS,
        bursts: [10],
        rate: 1,
        seconds: 1,
        outageUpdates: 9_000,
      }),
    ).toBe(9_000);
  });
});
