import baseConfig from '../../eslint.config.mjs';

// Specs may start the demo-store test server: the tag rules forbid a feature lib from depending on a
// test-server lib, which is right for production code only. Same rule, same constraints, one allowed import.
const boundaryRule = '@nx/enforce-module-boundaries';
const [severity, boundaryOptions] = baseConfig.find((config) => config.rules?.[boundaryRule]).rules[
  boundaryRule
];

export default [
  ...baseConfig,
  {
    files: ['**/*.spec.ts'],
    rules: {
      [boundaryRule]: [
        severity,
        { ...boundaryOptions, allow: [...boundaryOptions.allow, '@storebridge/demo-store'] },
      ],
    },
  },
];
