import { join } from 'node:path';

// Runs with the testing lib's global setup (PostgreSQL and nats-server). The specs still start their own
// nats-server in beforeAll: each needs a fresh JetStream store.
const globalSetup = join(__dirname, '../../libs/testing/src/global-setup.ts');
const globalTeardown = join(__dirname, '../../libs/testing/src/global-teardown.ts');

export default {
  displayName: 'messaging:integration',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.integration-spec.ts'],
  globalSetup,
  globalTeardown,
  testTimeout: 60_000,
};
