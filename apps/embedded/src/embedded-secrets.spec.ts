import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureEmbeddedSecrets } from './embedded-secrets';

describe('ensureEmbeddedSecrets', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'storebridge-secrets-'));
  });

  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('generates a valid key and secret once, readable by the owner only', () => {
    const env: NodeJS.ProcessEnv = { DATA_DIR: dataDir };

    const file = ensureEmbeddedSecrets(env);

    expect(file).toBe(join(dataDir, 'embedded-secrets.json'));
    expect(env['CREDENTIALS_KEY']).toMatch(/^[0-9a-f]{64}$/);
    expect(env['WEBHOOK_SECRET']?.length).toBeGreaterThanOrEqual(16);
    expect(statSync(join(dataDir, 'embedded-secrets.json')).mode & 0o777).toBe(0o600);
  });

  it('finds the same secrets again after a restart, so stored credentials still decrypt', () => {
    const first: NodeJS.ProcessEnv = { DATA_DIR: dataDir };
    const second: NodeJS.ProcessEnv = { DATA_DIR: dataDir };

    ensureEmbeddedSecrets(first);
    ensureEmbeddedSecrets(second);

    expect(second['CREDENTIALS_KEY']).toBe(first['CREDENTIALS_KEY']);
    expect(second['WEBHOOK_SECRET']).toBe(first['WEBHOOK_SECRET']);
  });

  it('never overrides secrets given in the environment', () => {
    const env: NodeJS.ProcessEnv = { DATA_DIR: dataDir, CREDENTIALS_KEY: 'ab'.repeat(32) };

    ensureEmbeddedSecrets(env);

    expect(env['CREDENTIALS_KEY']).toBe('ab'.repeat(32));
    const stored = JSON.parse(readFileSync(join(dataDir, 'embedded-secrets.json'), 'utf8')) as {
      WEBHOOK_SECRET: string;
    };
    expect(env['WEBHOOK_SECRET']).toBe(stored.WEBHOOK_SECRET);
  });

  it('writes nothing when both are given', () => {
    const env: NodeJS.ProcessEnv = {
      DATA_DIR: join(dataDir, 'unused'),
      CREDENTIALS_KEY: 'ab'.repeat(32),
      WEBHOOK_SECRET: 'given-secret-0123456789',
    };

    expect(ensureEmbeddedSecrets(env)).toBeUndefined();
    expect(() => statSync(join(dataDir, 'unused'))).toThrow();
  });
});
