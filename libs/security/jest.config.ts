export default {
  displayName: 'security',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../coverage/libs/security',
  // The database error spec boots PGlite (WASM).
  testTimeout: 60_000,
  // Same as libs/testing/src/pglite-jest-transform.ts (PGlite's bundle loads node built-ins with dynamic
  // import()), inlined because a util lib must not depend on the testing lib.
  transform: {
    '^.+/@electric-sql/pglite/.+\\.c?js$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!@electric-sql/pglite/)'],
};
