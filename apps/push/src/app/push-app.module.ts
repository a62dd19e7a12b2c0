import type { DynamicModule } from '@nestjs/common';
import type { PushEnv } from '@storebridge/config';
import { PushFeatureModule } from '@storebridge/push-feature';
import { ServiceRuntimeModule } from '@storebridge/runtime';

export const PUSH_SERVICE_NAME = 'push';

export function pushAppModule(env: PushEnv): DynamicModule {
  return {
    module: class PushAppModule {},
    imports: [
      ServiceRuntimeModule.forRoot({ serviceName: PUSH_SERVICE_NAME, env }),
      PushFeatureModule.forRoot({ shopimindApiUrl: env.SHOPIMIND_API_URL }),
    ],
  };
}
