import { pgliteJestTransform } from '../../libs/testing/src/pglite-jest-transform';

export default {
  displayName: 'gateway',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../coverage/apps/gateway',
  // The app specs boot the real module graph on an in-memory PGlite (seconds of WASM start-up).
  testTimeout: 60_000,
  ...pgliteJestTransform,
};
