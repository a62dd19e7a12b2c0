import { Module, type Provider } from '@nestjs/common';
import { StoreOrderRepository } from './store-order.repository';
import { StoreProductRepository } from './store-product.repository';
import { SyncRunRepository } from './sync-run.repository';

const repositories: Provider[] = [StoreProductRepository, StoreOrderRepository, SyncRunRepository];

/**
 * The tables sync writes: its runs and the store mirrors (with their page fingerprints). Needs
 * `PersistenceModule.forRoot` in the app (global: the data source and the entities' TypeORM repositories).
 */
@Module({ providers: repositories, exports: repositories })
export class SyncPersistenceModule {}
