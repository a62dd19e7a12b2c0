import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Tag rules (STYLE.md): `type:` says what a project may depend on, `scope:` which service it serves.
const depConstraints = [
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: [
      'type:feature',
      'type:data-access',
      'type:contracts',
      'type:util',
      'type:test-server',
    ],
  },
  {
    sourceTag: 'type:e2e',
    onlyDependOnLibsWithTags: [
      'type:feature',
      'type:data-access',
      'type:contracts',
      'type:util',
      'type:testing',
      'type:test-server',
    ],
  },
  {
    sourceTag: 'type:feature',
    onlyDependOnLibsWithTags: ['type:data-access', 'type:contracts', 'type:util'],
  },
  {
    sourceTag: 'type:data-access',
    onlyDependOnLibsWithTags: ['type:data-access', 'type:contracts', 'type:util'],
  },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:contracts'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
  {
    // type:testing too: the built-apps launcher waits with the testing lib's freePort and pollUntil.
    sourceTag: 'type:testing',
    onlyDependOnLibsWithTags: [
      'type:data-access',
      'type:contracts',
      'type:util',
      'type:testing',
      'type:test-server',
    ],
  },
  {
    // The sandbox's hand-run tour serves a demo store beside the fake ShopiMind.
    sourceTag: 'type:test-server',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:test-server'],
  },
  { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared'] },
  { sourceTag: 'scope:sync', onlyDependOnLibsWithTags: ['scope:sync', 'scope:shared'] },
  { sourceTag: 'scope:push', onlyDependOnLibsWithTags: ['scope:push', 'scope:shared'] },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  {
    sourceTag: 'scope:all',
    onlyDependOnLibsWithTags: ['scope:gateway', 'scope:sync', 'scope:push', 'scope:shared'],
  },
];

const boundaryOptions = { enforceBuildableLibDependency: true, depConstraints };

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: [
      '**/dist',
      '**/node_modules',
      '**/coverage',
      '**/data',
      '**/.nx',
      '**/jest.config.ts',
      '**/jest.*.config.ts',
      '**/webpack.config.js',
    ],
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@nx/enforce-module-boundaries': ['error', { ...boundaryOptions, allow: [] }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      curly: ['error', 'all'],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // Tests may use the harness and the dev servers, which the tag rules above keep out of production code.
    files: ['**/*.spec.ts', '**/*.integration-spec.ts', '**/test-fixtures/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          ...boundaryOptions,
          allow: ['@storebridge/testing', '@storebridge/demo-store', '@storebridge/shopimind-sandbox'],
        },
      ],
    },
  },
  {
    // Test files and dev servers talk to the terminal directly.
    files: [
      '**/*.spec.ts',
      '**/*.integration-spec.ts',
      '**/*.e2e-spec.ts',
      'libs/testing/**/*.ts',
      'tools/**/*.ts',
    ],
    rules: { 'no-console': 'off' },
  },
];
