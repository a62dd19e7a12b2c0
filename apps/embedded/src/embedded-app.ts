import type { DynamicModule, INestApplication } from '@nestjs/common';
import type { EmbeddedEnv } from '@storebridge/config';
import { GatewayFeatureModule, setUpApiDocs } from '@storebridge/gateway-feature';
import { PushFeatureModule } from '@storebridge/push-feature';
import { ServiceRuntimeModule, startService } from '@storebridge/runtime';
import { SyncFeatureModule } from '@storebridge/sync-feature';

/** The three services in one process, sharing one database and one message bus. */
export function embeddedModule(env: EmbeddedEnv): DynamicModule {
  return {
    module: class EmbeddedAppModule {},
    imports: [
      ServiceRuntimeModule.forRoot({ serviceName: 'storebridge', env }),
      GatewayFeatureModule.forEnv(env),
      SyncFeatureModule.forEnv(env),
      PushFeatureModule.forRoot({ shopimindApiUrl: env.SHOPIMIND_API_URL }),
    ],
  };
}

export function startEmbedded(env: EmbeddedEnv, host?: string): Promise<INestApplication> {
  return startService(embeddedModule(env), {
    serviceName: 'storebridge',
    env,
    port: env.PORT,
    host,
    trustProxy: env.TRUST_PROXY,
    configure: setUpApiDocs,
  });
}
