export default {
  displayName: 'shopimind-sandbox',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../coverage/libs/shopimind-sandbox',
};
