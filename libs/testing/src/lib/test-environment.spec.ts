import { testDatabaseUrl, testNatsUrl } from './test-environment';

describe('test environment', () => {
  const saved = { ...process.env };

  afterEach(() => {
    process.env = { ...saved };
  });

  it('returns the URLs exported by the integration global setup', () => {
    process.env['TEST_DATABASE_URL'] = 'postgres://postgres@127.0.0.1:5999/storebridge_test';
    process.env['TEST_NATS_URL'] = 'nats://127.0.0.1:4999';

    expect(testDatabaseUrl()).toBe('postgres://postgres@127.0.0.1:5999/storebridge_test');
    expect(testNatsUrl()).toBe('nats://127.0.0.1:4999');
  });

  it('tells how to get the URLs when a spec runs outside an integration config', () => {
    delete process.env['TEST_DATABASE_URL'];
    delete process.env['TEST_NATS_URL'];

    expect(() => testDatabaseUrl()).toThrow(
      /TEST_DATABASE_URL is not set: run through an integration jest config/,
    );
    expect(() => testNatsUrl()).toThrow(/TEST_NATS_URL is not set: run through an integration jest config/);
  });
});
