// Runs against the real PostgreSQL started by the testing lib's global setup; the specs start their own
// nats-server, for a fresh JetStream store.
export default {
  displayName: 'runtime:integration',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.integration-spec.ts'],
  globalSetup: '<rootDir>/../../libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/../../libs/testing/src/global-teardown.ts',
  testTimeout: 60_000,
};
