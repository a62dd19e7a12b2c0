/** Set by the integration global setup; jest workers inherit them. */
export const TEST_DATABASE_URL_ENV = 'TEST_DATABASE_URL';
export const TEST_NATS_URL_ENV = 'TEST_NATS_URL';

function required(name: string, server: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run through an integration jest config (jest.integration.config.ts), ` +
        `whose global setup (libs/testing/src/global-setup.ts) starts ${server}`,
    );
  }
  return value;
}

/** URL of the migrated `storebridge_test` database started by the integration global setup. */
export function testDatabaseUrl(): string {
  return required(TEST_DATABASE_URL_ENV, 'PostgreSQL');
}

/** URL of the JetStream-enabled nats-server started by the integration global setup. */
export function testNatsUrl(): string {
  return required(TEST_NATS_URL_ENV, 'nats-server');
}
