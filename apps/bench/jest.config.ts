// Unit specs of the benchmarks' helpers; the benchmarks themselves run through `nx run sync:bench` and `nx run push:bench`.
export default {
  displayName: 'bench',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../coverage/apps/bench',
};
