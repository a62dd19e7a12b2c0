// Runs against the real PostgreSQL and nats-server started by this lib's own global setup.
export default {
  displayName: 'testing:integration',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.integration-spec.ts'],
  globalSetup: '<rootDir>/src/global-setup.ts',
  globalTeardown: '<rootDir>/src/global-teardown.ts',
  testTimeout: 60_000,
};
