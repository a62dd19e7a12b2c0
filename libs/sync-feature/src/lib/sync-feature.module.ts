import { DynamicModule, Module } from '@nestjs/common';
import { StoreConnectionService } from '@storebridge/connections';
import { ProductSyncService } from './product-sync/product-sync.service';
import { SyncRequestedHandler } from './product-sync/sync-requested.handler';
import { SyncScheduler } from './schedule/sync-scheduler';
import { StoreProductEventHandler } from './store-events/store-product-event.handler';
import { StoreProductEventService } from './store-events/store-product-event.service';
import { SYNC_FEATURE_OPTIONS, type SyncFeatureOptions } from './sync-feature.options';

/**
 * Crawling and normalization: consumes sync requests and store product webhooks, publishes product changes,
 * and requests each connection's periodic sync.
 */
@Module({})
export class SyncFeatureModule {
  static forRoot(options: SyncFeatureOptions): DynamicModule {
    return {
      module: SyncFeatureModule,
      controllers: [SyncRequestedHandler, StoreProductEventHandler],
      providers: [
        { provide: SYNC_FEATURE_OPTIONS, useValue: options },
        ProductSyncService,
        StoreProductEventService,
        StoreConnectionService,
        SyncScheduler,
      ],
    };
  }
}
