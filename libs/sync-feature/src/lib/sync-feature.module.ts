import { DynamicModule, Module } from '@nestjs/common';
import { StoreConnectionService } from '@storebridge/connections';
import { ProductSyncService } from './product-sync/product-sync.service';
import { SyncRequestedHandler } from './product-sync/sync-requested.handler';
import { SyncScheduler } from './schedule/sync-scheduler';
import { SYNC_FEATURE_OPTIONS, type SyncFeatureOptions } from './sync-feature.options';

/**
 * Crawling and normalization: consumes sync requests, publishes product changes, and requests each
 * connection's periodic sync.
 */
@Module({})
export class SyncFeatureModule {
  static forRoot(options: SyncFeatureOptions): DynamicModule {
    return {
      module: SyncFeatureModule,
      controllers: [SyncRequestedHandler],
      providers: [
        { provide: SYNC_FEATURE_OPTIONS, useValue: options },
        ProductSyncService,
        StoreConnectionService,
        SyncScheduler,
      ],
    };
  }
}
