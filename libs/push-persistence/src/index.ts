export * from './lib/push-persistence.module';
export * from './lib/id-mapping.repository';
export * from './lib/push-outcome.repository';
export * from './lib/pushed-product-parts.repository';
