import type { DynamicModule, INestApplication } from '@nestjs/common';
import type { GatewayEnv } from '@storebridge/config';
import { GatewayFeatureModule, setUpApiDocs } from '@storebridge/gateway-feature';
import { ServiceRuntimeModule, startService } from '@storebridge/runtime';

export const GATEWAY_SERVICE_NAME = 'gateway';

export function gatewayAppModule(env: GatewayEnv): DynamicModule {
  return {
    module: class GatewayAppModule {},
    imports: [
      ServiceRuntimeModule.forRoot({ serviceName: GATEWAY_SERVICE_NAME, env }),
      GatewayFeatureModule.forEnv(env),
    ],
  };
}

/** Tests pass a loopback host and port 0. */
export function startGateway(
  env: GatewayEnv,
  listen: { host?: string; port?: number } = {},
): Promise<INestApplication> {
  return startService(gatewayAppModule(env), {
    serviceName: GATEWAY_SERVICE_NAME,
    env,
    port: listen.port ?? env.PORT,
    host: listen.host,
    trustProxy: env.TRUST_PROXY,
    configure: setUpApiDocs,
  });
}
