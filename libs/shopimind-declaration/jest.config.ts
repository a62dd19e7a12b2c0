export default {
  displayName: 'shopimind-declaration',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../coverage/libs/shopimind-declaration',
};
