// Runs against the real PostgreSQL and nats-server started by the testing lib's global setup.
export default {
  displayName: 'sync-feature:integration',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.integration-spec.ts'],
  globalSetup: '<rootDir>/../../libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/../../libs/testing/src/global-teardown.ts',
  testTimeout: 60_000,
};
