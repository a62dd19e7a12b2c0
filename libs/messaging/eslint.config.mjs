import baseConfig from '../../eslint.config.mjs';

// Tests may use the testing harness (nats-server, pollUntil): the tag rules forbid a data-access lib from
// depending on it, which is right for production code only. Same rule, same constraints, one allowed import.
const boundaryRule = '@nx/enforce-module-boundaries';
const [severity, boundaryOptions] = baseConfig.find((config) => config.rules?.[boundaryRule]).rules[
  boundaryRule
];

export default [
  ...baseConfig,
  {
    files: ['**/*.spec.ts', '**/*.integration-spec.ts', 'src/test-fixtures/**/*.ts'],
    rules: {
      [boundaryRule]: [
        severity,
        { ...boundaryOptions, allow: [...boundaryOptions.allow, '@storebridge/testing'] },
      ],
    },
  },
];
