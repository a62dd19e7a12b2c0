// Unit specs of the benchmark's pure helpers; the benchmark itself runs through `nx run sync:bench`.
export default {
  displayName: 'bench',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../coverage/apps/bench',
};
