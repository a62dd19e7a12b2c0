import 'reflect-metadata';
import { loadEnv, PushEnv } from '@storebridge/config';
import { runMain, startService } from '@storebridge/runtime';
import { PUSH_SERVICE_NAME, pushAppModule } from './app/push-app.module';

runMain(async () => {
  const env = loadEnv(PushEnv);
  await startService(pushAppModule(env), { serviceName: PUSH_SERVICE_NAME, env, port: env.PORT });
});
