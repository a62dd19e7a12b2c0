// Slow specs against the in-repo ShopiMind sandbox (no database, no bus): kept out of the unit suite.
export default {
  displayName: 'push-feature:integration',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.integration-spec.ts'],
  testTimeout: 300_000,
};
