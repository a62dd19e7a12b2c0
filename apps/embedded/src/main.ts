import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { EmbeddedEnv, loadEnv } from '@storebridge/config';
import { runMain } from '@storebridge/runtime';
import { runDemo } from './demo';
import { ensureEmbeddedSecrets } from './embedded-secrets';
import { startEmbedded } from './embedded-app';

runMain(async () => {
  const secretsFile = ensureEmbeddedSecrets(process.env);
  if (secretsFile) {
    new Logger('Embedded').log(`Using the local secrets kept in ${secretsFile}`);
  }
  if (process.argv.includes('--demo')) {
    await runDemo();
    return;
  }
  await startEmbedded(loadEnv(EmbeddedEnv));
});
