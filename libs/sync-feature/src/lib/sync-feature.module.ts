import { DynamicModule, Module } from '@nestjs/common';
import type { SyncEnv } from '@storebridge/config';
import { StoreConnectionService } from '@storebridge/connections';
import { SyncPersistenceModule } from '@storebridge/sync-persistence';
import { SyncScheduler } from './schedule/sync-scheduler';
import { StoreEventHandlers } from './store-events/store-event.handlers';
import { StoreRecordEventService } from './store-events/store-record-event.service';
import { StoreSyncService } from './store-sync/store-sync.service';
import { SyncRequestedHandler } from './store-sync/sync-requested.handler';
import { SyncRequestParkedListener } from './store-sync/sync-request-parked.listener';
import { SYNC_FEATURE_OPTIONS, type SyncFeatureOptions } from './sync-feature.options';
import { syncedEntitiesProvider } from './synced-record-kinds';

/**
 * Crawling and normalization: consumes sync requests and store webhooks, publishes product and order changes,
 * and requests each connection's periodic sync.
 */
@Module({})
export class SyncFeatureModule {
  static forEnv(
    env: Pick<SyncEnv, 'ALLOW_PRIVATE_STORE_URLS' | 'STORE_MAX_RECORDS_PER_ENTITY' | 'DELETION_HOLD_PERCENT'>,
  ): DynamicModule {
    return SyncFeatureModule.forRoot({
      allowPrivateStoreUrls: env.ALLOW_PRIVATE_STORE_URLS,
      maxRecordsPerEntity: env.STORE_MAX_RECORDS_PER_ENTITY,
      deletionHoldShare: env.DELETION_HOLD_PERCENT / 100,
    });
  }

  static forRoot(options: SyncFeatureOptions): DynamicModule {
    return {
      module: SyncFeatureModule,
      imports: [SyncPersistenceModule],
      controllers: [SyncRequestedHandler, StoreEventHandlers],
      providers: [
        { provide: SYNC_FEATURE_OPTIONS, useValue: options },
        syncedEntitiesProvider,
        StoreSyncService,
        StoreRecordEventService,
        StoreConnectionService,
        SyncScheduler,
        SyncRequestParkedListener,
      ],
    };
  }
}
