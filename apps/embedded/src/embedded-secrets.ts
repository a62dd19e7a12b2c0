import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface EmbeddedSecrets {
  CREDENTIALS_KEY: string;
  WEBHOOK_SECRET: string;
}

/**
 * Embedded mode must start with no setup at all, so missing secrets are generated once and kept (mode 600)
 * in the data directory: restarting finds the same key and can still decrypt what it stored.
 */
export function ensureEmbeddedSecrets(env: NodeJS.ProcessEnv): string | undefined {
  if (env['CREDENTIALS_KEY'] && env['WEBHOOK_SECRET']) {
    return undefined;
  }
  const dataDir = env['DATA_DIR'] || './data';
  const file = join(dataDir, 'embedded-secrets.json');
  let secrets: EmbeddedSecrets;
  if (existsSync(file)) {
    secrets = JSON.parse(readFileSync(file, 'utf8')) as EmbeddedSecrets;
  } else {
    secrets = {
      CREDENTIALS_KEY: randomBytes(32).toString('hex'),
      WEBHOOK_SECRET: randomBytes(24).toString('base64url'),
    };
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  env['CREDENTIALS_KEY'] ||= secrets.CREDENTIALS_KEY;
  env['WEBHOOK_SECRET'] ||= secrets.WEBHOOK_SECRET;
  return file;
}
