export default {
  displayName: 'workspace-rules',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  // Each case lints through the real ESLint config, which builds the Nx project graph first.
  testTimeout: 60_000,
};
