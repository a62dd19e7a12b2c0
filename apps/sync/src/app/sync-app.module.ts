import type { DynamicModule } from '@nestjs/common';
import type { SyncEnv } from '@storebridge/config';
import { ServiceRuntimeModule } from '@storebridge/runtime';
import { SyncFeatureModule } from '@storebridge/sync-feature';

export const SYNC_SERVICE_NAME = 'sync';

export function syncAppModule(env: SyncEnv): DynamicModule {
  return {
    module: class SyncAppModule {},
    imports: [
      ServiceRuntimeModule.forRoot({ serviceName: SYNC_SERVICE_NAME, env }),
      SyncFeatureModule.forEnv(env),
    ],
  };
}
