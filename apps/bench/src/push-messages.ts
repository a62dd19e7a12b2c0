import type { NormalizedProduct, ProductsChangedEvent } from '@storebridge/contracts';
import { DEMO_STORE_ORIGIN, demoProduct } from '@storebridge/demo-store';
import { toNormalizedProduct } from '@storebridge/store-normalization';

/** The demo store's product `index` (1-based) as sync would publish it: normalized by the generic API's mapper. */
export function benchProduct(index: number): NormalizedProduct {
  const mapped = toNormalizedProduct(demoProduct(index), { baseUrl: DEMO_STORE_ORIGIN, mappings: {} });
  if (mapped.product === undefined) {
    throw new Error(`demo product ${index} does not normalize: ${mapped.skipReason}`);
  }
  return mapped.product;
}

export interface BenchMessage {
  /** As sync derives it (`<run>:products:<page>`): a re-published page is stored once. */
  messageId: string;
  event: ProductsChangedEvent;
}

/**
 * `products` products in pages of `pageSize`, one `ProductsChangedEvent` per page, as one crawl of a full sync
 * publishes them, built one page at a time.
 */
export function* productsChangedMessages(options: {
  connectionId: string;
  syncRunId: string;
  products: number;
  pageSize: number;
}): Generator<BenchMessage> {
  const { connectionId, syncRunId, products, pageSize } = options;
  for (let first = 1, page = 1; first <= products; first += pageSize, page += 1) {
    const last = Math.min(products, first + pageSize - 1);
    const pageProducts = Array.from({ length: last - first + 1 }, (_, offset) =>
      benchProduct(first + offset),
    );
    yield {
      messageId: `${syncRunId}:products:${page}`,
      event: { connectionId, syncRunId, page, products: pageProducts, deletedIds: [] },
    };
  }
}
