// Lints source snippets as if they were files at the given paths, with the workspace's own ESLint config.
// Run as a separate process: ESLint loads its flat config with import(), which jest's CommonJS runtime refuses.
// Type-aware parsing is off because the files do not exist; the module-boundary rule does not need types.
import { ESLint } from 'eslint';
import { readFileSync } from 'node:fs';

const snippets = JSON.parse(readFileSync(0, 'utf8'));
const eslint = new ESLint({
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false, project: null } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-misused-promises': 'off',
      '@typescript-eslint/switch-exhaustiveness-check': 'off',
    },
  },
});
const results = [];
for (const { filePath, code } of snippets) {
  const [result] = await eslint.lintText(code, { filePath });
  results.push(result.messages.map((message) => ({ ruleId: message.ruleId, message: message.message })));
}
process.stdout.write(JSON.stringify(results));
