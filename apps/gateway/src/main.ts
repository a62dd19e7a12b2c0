import 'reflect-metadata';
import { GatewayEnv, loadEnv } from '@storebridge/config';
import { runMain } from '@storebridge/runtime';
import { startGateway } from './app/gateway-app.module';

runMain(async () => {
  await startGateway(loadEnv(GatewayEnv));
});
