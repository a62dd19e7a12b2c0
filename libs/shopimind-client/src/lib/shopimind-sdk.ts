/**
 * The only module that touches the official SDK (spec §9). Everything else goes through the adapter
 * built on it, so an SDK upgrade or swap has one place to change.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  SpmClient,
  SpmCustomers,
  SpmCustomersAddresses,
  SpmDataSources,
  SpmOrders,
  SpmOrdersStatuses,
  SpmProducts,
  SpmProductsCategories,
  SpmProductsImages,
  SpmProductsVariations,
} from '@shopimind/sdk-shopimind';
import type { SpmEnvelope, SpmHttpClient } from '@shopimind/sdk-shopimind';
import type {
  ShopimindCustomer,
  ShopimindCustomerAddress,
  ShopimindOrder,
  ShopimindOrderStatus,
  ShopimindProduct,
  ShopimindProductCategory,
  ShopimindProductImage,
  ShopimindProductVariation,
} from '@storebridge/shopimind-mapping';

export type { SpmHttpClient as ShopimindHttpClient };

/** The SDK's envelope plus the answer's `Retry-After` header, which the SDK drops. */
export interface ShopimindEnvelope extends SpmEnvelope {
  retryAfter?: string;
}

export interface ShopimindClientOptions {
  /** API base without `/v1`. */
  baseUrl: string;
  timeoutMs?: number;
}

/**
 * One client per installation.
 * - `labelSource: null`: items carry `id_data_source` instead (§9).
 * - SDK retries off: the SDK neither retries POST writes nor understands 401 and 429, so our adapter
 *   classifies every outcome and owns the retry policy.
 * - The interceptor hands each answer's `Retry-After` to withRetryAfter, since the SDK's envelope drops
 *   the headers.
 */
export function createShopimindHttpClient(
  accessToken: string,
  options: ShopimindClientOptions,
): SpmHttpClient {
  const client = SpmClient.getClient('v1', accessToken, {
    baseUrl: options.baseUrl,
    timeout: options.timeoutMs ?? 30_000,
    labelSource: null,
    retry: false,
  });
  // A redirected write is refused (a permanent outcome) rather than sent on to wherever the answer points.
  // It also keeps every call off axios's redirect-following transport, which costs CPU.
  client.defaults.maxRedirects = 0;
  client.interceptors.response.use(
    (response) => {
      recordRetryAfter(response.headers);
      return response;
    },
    (error: unknown) => {
      recordRetryAfter(responseHeadersOf(error));
      return Promise.reject(error);
    },
  );
  return client;
}

interface AnswerHeaders {
  retryAfter?: string;
}

/**
 * The headers of the answer to the call running in this async context. Per call rather than per client,
 * because one client serves concurrent writes of several messages: each must see its own answer's header.
 */
const answerHeaders = new AsyncLocalStorage<AnswerHeaders>();

function responseHeadersOf(error: unknown): unknown {
  if (typeof error !== 'object' || error === null || !('response' in error)) {
    return undefined;
  }
  const { response } = error as { response?: { headers?: unknown } };
  return response?.headers;
}

function recordRetryAfter(headers: unknown): void {
  const slot = answerHeaders.getStore();
  if (slot === undefined || typeof headers !== 'object' || headers === null) {
    return;
  }
  // axios lower-cases the names of received headers.
  const value = (headers as Record<string, unknown>)['retry-after'];
  slot.retryAfter = typeof value === 'string' ? value : undefined;
}

/** Runs one SDK call on a client made by createShopimindHttpClient and adds the answer's `Retry-After`. */
export async function withRetryAfter(call: () => Promise<SpmEnvelope>): Promise<ShopimindEnvelope> {
  const slot: AnswerHeaders = {};
  const envelope = await answerHeaders.run(slot, call);
  return slot.retryAfter === undefined ? envelope : { ...envelope, retryAfter: slot.retryAfter };
}

export const sdk = {
  saveProducts: (client: SpmHttpClient, items: ShopimindProduct[]) => SpmProducts.bulkSave(client, items),
  deleteProducts: (client: SpmHttpClient, productIds: number[]) => SpmProducts.bulkDelete(client, productIds),
  saveOrders: (client: SpmHttpClient, items: ShopimindOrder[]) => SpmOrders.bulkSave(client, items),
  deleteOrders: (client: SpmHttpClient, orderIds: string[]) => SpmOrders.bulkDelete(client, orderIds),
  saveCustomers: (client: SpmHttpClient, items: ShopimindCustomer[]) => SpmCustomers.bulkSave(client, items),
  // The flat bulk route: one call carries the addresses of several customers.
  saveCustomerAddresses: (client: SpmHttpClient, items: ShopimindCustomerAddress[]) =>
    SpmCustomersAddresses.bulkSaveAll(client, items),
  saveOrderStatuses: (client: SpmHttpClient, items: ShopimindOrderStatus[]) =>
    SpmOrdersStatuses.bulkSave(client, items),
  saveProductCategories: (client: SpmHttpClient, items: ShopimindProductCategory[]) =>
    SpmProductsCategories.bulkSave(client, items),
  deleteCustomers: (client: SpmHttpClient, customerIds: string[]) =>
    SpmCustomers.bulkDelete(client, customerIds),
  deleteOrderStatuses: (client: SpmHttpClient, statusIds: string[]) =>
    SpmOrdersStatuses.bulkDelete(client, statusIds),
  deleteProductCategories: (client: SpmHttpClient, categoryIds: number[]) =>
    SpmProductsCategories.bulkDelete(client, categoryIds),
  // The flat bulk routes: one call carries the variations (images) of several products.
  saveProductVariations: (client: SpmHttpClient, items: ShopimindProductVariation[]) =>
    SpmProductsVariations.bulkSaveAll(client, items),
  deleteProductVariations: (client: SpmHttpClient, productId: number, variationIds: number[]) =>
    SpmProductsVariations.bulkDelete(client, productId, variationIds),
  saveProductImages: (client: SpmHttpClient, items: ShopimindProductImage[]) =>
    SpmProductsImages.bulkSaveAll(client, items),
  deleteProductImages: (client: SpmHttpClient, productId: number, imageIds: string[]) =>
    SpmProductsImages.bulkDelete(client, productId, imageIds),
  listDataSources: (client: SpmHttpClient) => SpmDataSources.list(client),
  createDataSource: (client: SpmHttpClient, label: string) =>
    SpmDataSources.create(client, { label, type: 'api' }),
};

/** The most items (or ids) one call of each resource carries, as the SDK states them; its bulkDelete never chunks. */
export const sdkChunkSizes = {
  products: SpmProducts.CHUNK_SIZE,
  orders: SpmOrders.CHUNK_SIZE,
  customers: SpmCustomers.CHUNK_SIZE,
  orderStatuses: SpmOrdersStatuses.CHUNK_SIZE,
  productCategories: SpmProductsCategories.CHUNK_SIZE,
  productVariations: SpmProductsVariations.CHUNK_SIZE,
  productImages: SpmProductsImages.CHUNK_SIZE,
} as const;
