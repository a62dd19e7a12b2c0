export default {
  displayName: 'shopimind-mapping',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../coverage/libs/shopimind-mapping',
};
