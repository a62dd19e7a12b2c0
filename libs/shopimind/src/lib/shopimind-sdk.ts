/**
 * The only module that touches the official SDK (spec §9): everything else in the project goes through
 * the adapter built on these re-exports, so an SDK upgrade or swap has exactly one place to change.
 */
import {
  SpmClient,
  SpmCustomers,
  SpmDataSources,
  SpmOrders,
  SpmOrdersStatuses,
  SpmProducts,
} from '@shopimind/sdk-shopimind';
import type {
  SpmCustomerData,
  SpmEnvelope,
  SpmHttpClient,
  SpmOrderCustomer,
  SpmOrderData,
  SpmOrderProduct,
  SpmOrderStatusData,
  SpmProductData,
} from '@shopimind/sdk-shopimind';

export type { SpmEnvelope as ShopimindEnvelope, SpmHttpClient as ShopimindHttpClient };
export type ShopimindProduct = SpmProductData;
export type ShopimindOrder = SpmOrderData;
export type ShopimindOrderCustomer = SpmOrderCustomer;
export type ShopimindOrderProduct = SpmOrderProduct;
export type ShopimindCustomer = SpmCustomerData;
export type ShopimindOrderStatus = SpmOrderStatusData;

export interface ShopimindClientOptions {
  /** API base without `/v1`. */
  baseUrl: string;
  timeoutMs?: number;
}

/**
 * One client per installation. `labelSource: null` because items carry `id_data_source` instead (§9);
 * SDK retries are off because the SDK neither retries POST writes nor understands 401/429: our adapter
 * classifies every outcome and owns the retry policy.
 */
export function createShopimindHttpClient(
  accessToken: string,
  options: ShopimindClientOptions,
): SpmHttpClient {
  return SpmClient.getClient('v1', accessToken, {
    baseUrl: options.baseUrl,
    timeout: options.timeoutMs ?? 30_000,
    labelSource: null,
    retry: false,
  });
}

export const sdk = {
  saveProducts: (client: SpmHttpClient, items: ShopimindProduct[]) => SpmProducts.bulkSave(client, items),
  deleteProducts: (client: SpmHttpClient, productIds: number[]) => SpmProducts.bulkDelete(client, productIds),
  saveOrders: (client: SpmHttpClient, items: ShopimindOrder[]) => SpmOrders.bulkSave(client, items),
  deleteOrders: (client: SpmHttpClient, orderIds: string[]) => SpmOrders.bulkDelete(client, orderIds),
  saveCustomers: (client: SpmHttpClient, items: ShopimindCustomer[]) => SpmCustomers.bulkSave(client, items),
  saveOrderStatuses: (client: SpmHttpClient, items: ShopimindOrderStatus[]) =>
    SpmOrdersStatuses.bulkSave(client, items),
  listDataSources: (client: SpmHttpClient) => SpmDataSources.list(client),
  createDataSource: (client: SpmHttpClient, label: string) =>
    SpmDataSources.create(client, { label, type: 'api' }),
};
