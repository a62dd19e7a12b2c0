import { ConformanceReport } from '@storebridge/store-diagnostics';
import { DOCTOR_EXIT, DoctorUsageError, exitCodeOf, parseDoctorArgs, renderReport } from './doctor-cli';

describe('parseDoctorArgs', () => {
  it('reads the store, its paths and its credential', () => {
    const command = parseDoctorArgs(
      [
        '--base-url=https://shop.example',
        '--auth',
        'bearer',
        '--orders-path=/v2/sales',
        '--products-path=/v2/items',
        '--per-page=25',
        '--allow-private',
      ],
      { STORE_TOKEN: 'from-env' },
    );
    expect(command).toMatchObject({
      help: false,
      allowPrivate: true,
      settings: {
        baseUrl: 'https://shop.example',
        auth: { method: 'bearer', token: 'from-env' },
        paths: { products: '/v2/items', orders: '/v2/sales', health: '/health' },
        perPage: 25,
      },
    });
  });

  it('answers --help without a base URL', () => {
    expect(parseDoctorArgs(['--help'])).toEqual({ help: true });
    expect(parseDoctorArgs(['-h'])).toEqual({ help: true });
  });

  it('takes a value that starts with "-" after "="', () => {
    expect(
      parseDoctorArgs([
        '--base-url=https://shop.example',
        '--auth=basic',
        '--username=u',
        '--password=-p4ss',
      ]),
    ).toMatchObject({ settings: { auth: { method: 'basic', username: 'u', password: '-p4ss' } } });
  });

  it.each([
    [[], '--base-url is required'],
    [['--base-url=https://shop.example', '--order-path=/x'], 'unknown option --order-path'],
    [['--base-url=https://shop.example', '--auth=oauth'], '--auth must be api_key, bearer or basic'],
    [['--base-url=https://shop.example', '--per-page=lots'], '--per-page must be a whole number'],
    [['--base-url=https://shop.example', '--per-page=500'], 'perPage'],
    [['https://shop.example'], 'unexpected argument'],
    [['--base-url'], '--base-url needs a value'],
    [['--base-url=https://shop.example', '--auth', '--token=t'], '--auth needs a value'],
    [['--base-url=https://shop.example', '--allow-private=yes'], '--allow-private takes no value'],
    [['--base-url=https://shop.example', '-x'], 'unknown option -x'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseDoctorArgs(argv)).toThrow(DoctorUsageError);
    expect(() => parseDoctorArgs(argv)).toThrow(message);
  });
});

const report = (overrides: Partial<ConformanceReport>): ConformanceReport => ({
  checks: [],
  ok: true,
  reached: true,
  requests: 3,
  ...overrides,
});

describe('exitCodeOf', () => {
  it.each<[string, Partial<ConformanceReport>, number]>([
    ['no check failed', {}, DOCTOR_EXIT.ok],
    ['a check failed', { ok: false }, DOCTOR_EXIT.storeFails],
    [
      'the store was never reached',
      { ok: false, reached: false, requests: 0 },
      DOCTOR_EXIT.usageOrUnreachable,
    ],
  ])('%s', (_label, overrides, code) => {
    expect(exitCodeOf(report(overrides))).toBe(code);
  });
});

describe('renderReport', () => {
  it('prints "not observed" and counts it apart', () => {
    const text = renderReport(
      'https://shop.example',
      report({
        checks: [
          { id: 'health', title: 'Health endpoint answers 200', status: 'pass', detail: 'ok' },
          {
            id: 'orders.page_cap',
            entity: 'orders',
            title: 'Orders: page size served',
            status: 'not_observed',
            detail: 'Page 1 is empty.',
          },
          { id: 'rate_limit', title: 'Rate limiting', status: 'warn', detail: 'no header', fix: 'send it' },
        ],
      }),
    );
    expect(text).toContain('[NOT OBSERVED] Orders: page size served');
    expect(text).toContain('[PASS]         Health endpoint answers 200');
    expect(text).toContain('fix: send it');
    expect(text).toContain('1 passed, 1 warnings, 0 failed, 1 not observed (3 requests).');
  });
});
