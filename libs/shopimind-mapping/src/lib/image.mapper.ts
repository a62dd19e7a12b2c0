import { hash } from 'node:crypto';
import type { NormalizedProduct } from '@storebridge/contracts';
import type { ShopimindProductImage } from './shopimind-records';

export interface ShopimindImageContext {
  /** The numeric id ShopiMind knows the product by. */
  productId: number;
  lang: string;
  dataSourceId?: number;
}

/**
 * ShopiMind's id of one image of one product: derived from the two, so the same image keeps its id from one push
 * to the next without anything stored, and an image the store replaces gets a new one.
 */
export function toShopimindImageId(productStoreId: string, url: string): string {
  return hash('sha256', JSON.stringify([productStoreId, url]), 'hex').slice(0, 32);
}

/** Every image of the product, each once, in the store's order; the first is the default, like `image_link`. */
export function toShopimindImages(
  product: NormalizedProduct,
  context: ShopimindImageContext,
): ShopimindProductImage[] {
  return [...new Set(product.images)].map((url, index) => ({
    product_id: String(context.productId),
    image_id: toShopimindImageId(product.id, url),
    lang: context.lang,
    variation_id: null,
    url,
    is_default: index === 0,
    ...(context.dataSourceId === undefined ? {} : { id_data_source: context.dataSourceId }),
  }));
}
