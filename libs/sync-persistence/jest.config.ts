import { pgliteJestTransform } from '../../libs/testing/src/pglite-jest-transform';

export default {
  displayName: 'sync-persistence',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../coverage/libs/sync-persistence',
  // A PGlite database takes a few seconds to boot (WASM), more on a busy CI machine.
  testTimeout: 60_000,
  // The embedded-mode spec runs this lib's SQL on an in-memory PGlite.
  ...pgliteJestTransform,
};
