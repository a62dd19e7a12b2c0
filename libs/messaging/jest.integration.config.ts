import { existsSync } from 'node:fs';
import { join } from 'node:path';

// Runs against the real PostgreSQL and nats-server started by the testing lib's global setup. Until that
// setup exists the specs start their own nats-server (startNatsServer in beforeAll), which they keep doing:
// each spec needs a fresh JetStream store anyway.
const globalSetup = join(__dirname, '../../libs/testing/src/global-setup.ts');
const globalTeardown = join(__dirname, '../../libs/testing/src/global-teardown.ts');

export default {
  displayName: 'messaging:integration',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.integration-spec.ts'],
  ...(existsSync(globalSetup) ? { globalSetup } : {}),
  ...(existsSync(globalTeardown) ? { globalTeardown } : {}),
  testTimeout: 60_000,
};
