export * from './lib/product.mapper';
export * from './lib/order.mapper';
export * from './lib/customer.mapper';
export * from './lib/order-status.mapper';
export * from './lib/category.mapper';
export type {
  ShopimindCustomer,
  ShopimindOrder,
  ShopimindOrderCustomer,
  ShopimindOrderProduct,
  ShopimindOrderStatus,
  ShopimindProduct,
  ShopimindProductCategory,
} from './lib/shopimind-records';
