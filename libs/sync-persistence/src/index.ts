export * from './lib/sync-persistence.module';
export * from './lib/sync-run.repository';
export * from './lib/sync-run.exception';
export * from './lib/store-record-mirror';
export * from './lib/store-product.repository';
export * from './lib/store-order.repository';
