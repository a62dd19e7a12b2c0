import type { DynamicModule } from '@nestjs/common';
import type { GatewayEnv } from '@storebridge/config';
import { GatewayFeatureModule } from '@storebridge/gateway-feature';
import { ServiceRuntimeModule } from '@storebridge/runtime';

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
