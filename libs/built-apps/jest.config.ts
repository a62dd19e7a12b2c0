// The launcher's spec starts a tiny fake app written to a temporary dist/ folder, never a real built app.
export default {
  displayName: 'built-apps',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../coverage/libs/built-apps',
};
