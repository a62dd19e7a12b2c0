export * from './lib/product.mapper';
export * from './lib/order.mapper';
export * from './lib/customer.mapper';
export * from './lib/address.mapper';
export * from './lib/order-status.mapper';
export * from './lib/category.mapper';
export * from './lib/variation.mapper';
export * from './lib/image.mapper';
export type {
  ShopimindCustomer,
  ShopimindCustomerAddress,
  ShopimindOrder,
  ShopimindOrderCustomer,
  ShopimindOrderProduct,
  ShopimindOrderStatus,
  ShopimindProduct,
  ShopimindProductCategory,
  ShopimindProductImage,
  ShopimindProductVariation,
} from './lib/shopimind-records';
