export * from './lib/product.mapper';
export * from './lib/write-outcome';
export * from './lib/shopimind-writer';
export type { ShopimindProduct } from './lib/shopimind-sdk';
export * from './lib/config/integration-config';
