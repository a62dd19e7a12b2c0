import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

interface Snippet {
  filePath: string;
  code: string;
}

interface LintMessage {
  ruleId: string | null;
  message: string;
}

const WORKSPACE_ROOT = join(__dirname, '../../..');

function lintSnippets(snippets: Snippet[]): LintMessage[][] {
  const run = spawnSync(process.execPath, [join(__dirname, 'lint-snippets.mjs')], {
    cwd: WORKSPACE_ROOT,
    input: JSON.stringify(snippets),
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false' },
  });
  if (run.status !== 0) {
    throw new Error(`lint-snippets failed: ${run.stderr}`);
  }
  return JSON.parse(run.stdout) as LintMessage[][];
}

const importing = (from: string, symbol: string, filePath: string): Snippet => ({
  filePath,
  code: `import { ${symbol} } from '${from}';\nexport const used = ${symbol};\n`,
});

// The Nx tags are the architecture (STYLE.md): these cases prove a wrong-way import fails lint.
describe('module boundaries', () => {
  const cases: Array<[string, Snippet, RegExp | null]> = [
    [
      // Not persistence: it imports contracts, so the cycle would be reported instead of the tag rule.
      'contracts importing the security lib (type:contracts → type:util)',
      importing('@storebridge/security', 'CredentialCipher', 'libs/contracts/src/lib/wrong-way.ts'),
      /type:contracts" can only depend on libs tagged with "type:contracts/,
    ],
    [
      'a feature importing the test harness (type:feature → type:testing)',
      importing('@storebridge/testing', 'freePort', 'libs/sync-feature/src/lib/wrong-way.ts'),
      /type:feature" can only depend on/,
    ],
    [
      'the gateway app importing the push feature (scope:gateway → scope:push)',
      importing('@storebridge/push-feature', 'PushFeatureModule', 'apps/gateway/src/wrong-way.ts'),
      /scope:gateway" can only depend on libs tagged with "scope:gateway", "scope:shared/,
    ],
    [
      'a lib reaching into another lib by relative path',
      importing(
        '../../../persistence/src/index',
        'InstallationRepository',
        'libs/connections/src/lib/wrong-way.ts',
      ),
      /Projects cannot be imported by a relative or absolute path/,
    ],
    [
      'an app importing the built-apps launcher (type:app → type:testing)',
      importing('@storebridge/built-apps', 'startServiceProcess', 'apps/sync/src/wrong-way.ts'),
      /type:app" can only depend on/,
    ],
    [
      'the built-apps launcher importing the test harness (allowed: type:testing → type:testing)',
      importing('@storebridge/testing', 'pollUntil', 'libs/built-apps/src/lib/right-way.ts'),
      null,
    ],
    [
      'the benchmark importing the built-apps launcher (allowed: type:e2e → type:testing)',
      importing('@storebridge/built-apps', 'startServiceProcess', 'apps/bench/src/right-way.ts'),
      null,
    ],
    [
      'persistence importing contracts (allowed)',
      importing('@storebridge/contracts', 'Subjects', 'libs/persistence/src/lib/right-way.ts'),
      null,
    ],
    [
      'an app importing its feature (allowed)',
      importing('@storebridge/sync-feature', 'SyncFeatureModule', 'apps/sync/src/right-way.ts'),
      null,
    ],
  ];

  let results: LintMessage[][];

  beforeAll(() => {
    results = lintSnippets(cases.map(([, snippet]) => snippet));
  });

  it.each(cases.map((testCase, index) => [...testCase, index] as const))(
    '%s',
    (_name, _snippet, expected, index) => {
      const boundaryErrors = results[index].filter(
        (message) => message.ruleId === '@nx/enforce-module-boundaries',
      );
      if (expected === null) {
        expect(results[index]).toEqual([]);
      } else {
        expect(boundaryErrors.map((error) => error.message).join('\n')).toMatch(expected);
      }
    },
  );
});
