// Drives the built services as separate processes against the real PostgreSQL and nats-server started by
// the testing lib's global setup; `nx e2e e2e` builds the apps first.
export default {
  displayName: 'e2e',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/../../libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/../../libs/testing/src/global-teardown.ts',
  testTimeout: 180_000,
};
