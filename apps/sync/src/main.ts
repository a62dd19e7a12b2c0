import 'reflect-metadata';
import { loadEnv, SyncEnv } from '@storebridge/config';
import { runMain, startService } from '@storebridge/runtime';
import { SYNC_SERVICE_NAME, syncAppModule } from './app/sync-app.module';

runMain(async () => {
  const env = loadEnv(SyncEnv);
  await startService(syncAppModule(env), { serviceName: SYNC_SERVICE_NAME, env, port: env.PORT });
});
