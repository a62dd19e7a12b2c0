import type { NormalizedProduct, NormalizedVariation } from '@storebridge/contracts';
import { prices } from './product.mapper';
import type { ShopimindProductVariation } from './shopimind-records';

export interface ShopimindVariationContext {
  /** The numeric id ShopiMind knows the product by. */
  productId: number;
  /** Stable numeric id of each of the product's variations, by the store's variation id. */
  variationIds: ReadonlyMap<string, number>;
  lang: string;
  dataSourceId?: number;
}

/**
 * Id-mapping key of a variation: variation ids are the store's, unique within their product only.
 * JSON keeps the two apart whatever characters they hold.
 */
export function toVariationMappingKey(productStoreId: string, variationStoreId: string): string {
  return JSON.stringify([productStoreId, variationStoreId]);
}

/** A variation's stock: its own count, else 1 when it (or, saying nothing, its product) is in stock, else 0. */
export function variationQuantity(variation: NormalizedVariation, product: NormalizedProduct): number {
  if (variation.stockQuantity !== undefined) {
    return variation.stockQuantity;
  }
  return (variation.stockStatus ?? product.stockStatus) === 'in_stock' ? 1 : 0;
}

/** A variation without any price of its own is sold at its product's. */
function pricedLike(variation: NormalizedVariation, product: NormalizedProduct): NormalizedVariation {
  const hasOwnPrice =
    variation.price !== undefined ||
    variation.regularPrice !== undefined ||
    variation.salePrice !== undefined;
  return hasOwnPrice ? variation : { ...variation, ...pricesOf(product) };
}

function pricesOf(
  product: NormalizedProduct,
): Pick<NormalizedProduct, 'price' | 'regularPrice' | 'salePrice'> {
  return { price: product.price, regularPrice: product.regularPrice, salePrice: product.salePrice };
}

/** What the customer pays for a variation in ShopiMind: `price_discount` when set, else `price`. */
export function variationSellingPrice(variation: NormalizedVariation, product: NormalizedProduct): number {
  const { price, price_discount } = prices(pricedLike(variation, product));
  return price_discount ?? price;
}

/**
 * The product's variations for ShopiMind, in the store's order, the first one the default. What a variation does
 * not say, its product does: name, prices, image; it links to its product's page (stores give variants no page).
 */
export function toShopimindVariations(
  product: NormalizedProduct,
  context: ShopimindVariationContext,
): ShopimindProductVariation[] {
  return (product.variations ?? []).map((variation, index) => ({
    product_id: String(context.productId),
    variation_id: context.variationIds.get(variation.id) as number,
    lang: context.lang,
    name: variation.name ?? product.name,
    reference: variation.sku ?? null,
    ean13: variation.ean13 ?? null,
    link: product.url,
    image_link: variation.image ?? product.images[0] ?? null,
    ...prices(pricedLike(variation, product)),
    quantity_remaining: variationQuantity(variation, product),
    is_default: index === 0,
    ...(context.dataSourceId === undefined ? {} : { id_data_source: context.dataSourceId }),
  }));
}
