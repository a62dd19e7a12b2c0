export * from './lib/product.mapper';
export * from './lib/order.mapper';
export * from './lib/customer.mapper';
export * from './lib/order-status.mapper';
export * from './lib/category.mapper';
export * from './lib/write-outcome';
export * from './lib/shopimind-writer';
export type {
  ShopimindCustomer,
  ShopimindOrder,
  ShopimindOrderCustomer,
  ShopimindOrderProduct,
  ShopimindOrderStatus,
  ShopimindProduct,
  ShopimindProductCategory,
} from './lib/shopimind-sdk';
export * from './lib/widgets/widget-declaration';
export * from './lib/widgets/widget-routes';
export * from './lib/widgets/widgets';
export * from './lib/config/integration-config';
export * from './lib/config/integration-config.rules';
export * from './lib/config/config-schema';
export * from './lib/declaration/shopimind-routes';
export * from './lib/declaration/integration-declaration';
