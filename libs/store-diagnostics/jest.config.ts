export default {
  displayName: 'store-diagnostics',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../coverage/libs/store-diagnostics',
};
