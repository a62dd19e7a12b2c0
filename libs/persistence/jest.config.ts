export default {
  displayName: 'persistence',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../coverage/libs/persistence',
  // A PGlite database takes a few seconds to boot (WASM), more on a busy CI machine.
  testTimeout: 60_000,
  // PGlite's CommonJS bundle loads node built-ins with dynamic import(), which jest's CommonJS runtime refuses
  // without --experimental-vm-modules; compiling it with SWC turns those into require() calls. Same as
  // libs/testing/src/pglite-jest-transform.ts, inlined because persistence must not depend on testing.
  transform: {
    '^.+/@electric-sql/pglite/.+\\.c?js$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!@electric-sql/pglite/)'],
};
