import { pgliteJestTransform } from '../../libs/testing/src/pglite-jest-transform';

export default {
  displayName: 'sync-feature',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../coverage/libs/sync-feature',
  // The crawl property spec keeps its mirror on an in-memory PGlite.
  ...pgliteJestTransform,
};
