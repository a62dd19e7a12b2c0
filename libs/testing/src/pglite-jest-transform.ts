/**
 * PGlite's CommonJS bundle loads node built-ins with dynamic `import()`. Jest's CommonJS runtime refuses that
 * without --experimental-vm-modules, so the bundle is compiled with SWC, which turns those into `require()` calls.
 * Spread into the jest config of any project whose tests open a PGlite database:
 * `import { pgliteJestTransform } from '../../libs/testing/src/pglite-jest-transform';`
 */
export const pgliteJestTransform = {
  transform: {
    '^.+/@electric-sql/pglite/.+\\.c?js$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!@electric-sql/pglite/)'],
};
