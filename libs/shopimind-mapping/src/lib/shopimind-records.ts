/**
 * The records the mappers build and the ShopiMind client sends: the SDK's own record types, imported as types
 * only, so this lib stays pure (nothing of the SDK is loaded at run time here) and an SDK upgrade that changes
 * a record fails the mappers' typecheck.
 */
import type {
  SpmBulkCustomerAddressData,
  SpmBulkProductImageData,
  SpmBulkProductVariationData,
  SpmCustomerData,
  SpmOrderCustomer,
  SpmOrderData,
  SpmOrderProduct,
  SpmOrderStatusData,
  SpmProductCategoryData,
  SpmProductData,
} from '@shopimind/sdk-shopimind';

export type ShopimindProduct = SpmProductData;
export type ShopimindOrder = SpmOrderData;
export type ShopimindOrderCustomer = SpmOrderCustomer;
export type ShopimindOrderProduct = SpmOrderProduct;
export type ShopimindCustomer = SpmCustomerData;
/** An address with the customer it belongs to, as `SpmCustomersAddresses.bulkSaveAll` takes it. */
export type ShopimindCustomerAddress = SpmBulkCustomerAddressData;
export type ShopimindOrderStatus = SpmOrderStatusData;
export type ShopimindProductCategory = SpmProductCategoryData;
/** A variation or image as the flat bulk routes take it: each names its product. */
export type ShopimindProductVariation = SpmBulkProductVariationData;
export type ShopimindProductImage = SpmBulkProductImageData;
