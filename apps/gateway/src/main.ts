import 'reflect-metadata';
import { GatewayEnv, loadEnv } from '@storebridge/config';
import { runMain, startService } from '@storebridge/runtime';
import { GATEWAY_SERVICE_NAME, gatewayAppModule } from './app/gateway-app.module';

runMain(async () => {
  const env = loadEnv(GatewayEnv);
  await startService(gatewayAppModule(env), { serviceName: GATEWAY_SERVICE_NAME, env, port: env.PORT });
});
