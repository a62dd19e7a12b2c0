import type { NormalizedProduct } from '@storebridge/contracts';
import { readStorePrices } from '@storebridge/store-normalization';
import { toShopimindCategoryKey } from './category.mapper';
import type { ShopimindProduct } from './shopimind-records';
import { variationQuantity, variationSellingPrice } from './variation.mapper';

export interface ShopimindProductContext {
  /** Stable numeric id ShopiMind knows this product by (the SDK types product ids as numbers). */
  numericId: number;
  lang: string;
  /** The connection's currency, for products whose store record names none. */
  currency: string;
  /** Numeric ShopiMind category id per category key (`toShopimindCategoryKey` of the store's category name). */
  categoryIds: ReadonlyMap<string, number>;
  dataSourceId?: number;
  /** Used when the store gives no dates: ShopiMind requires both. */
  now: string;
}

/**
 * What the customer pays in ShopiMind (`price_discount` when set, else `price`) is the store's selling price
 * (`readStorePrices`, spec §4); a higher regular price is shown as `price`, struck through. ShopiMind requires a
 * price: a store giving none gets 0.
 */
export function prices(product: Pick<NormalizedProduct, 'price' | 'regularPrice' | 'salePrice'>): {
  price: number;
  price_discount: number | null;
} {
  const { selling, regular } = readStorePrices(product);
  const pays = selling?.amount ?? 0;
  return regular ? { price: regular.amount, price_discount: pays } : { price: pays, price_discount: null };
}

/** The ids of the product's categories, each once, in the store's order; names without an id are left out. */
function categoryIdsOf(product: NormalizedProduct, categoryIds: ReadonlyMap<string, number>): number[] {
  const ids = product.categories.flatMap((name) => categoryIds.get(toShopimindCategoryKey(name)) ?? []);
  return [...new Set(ids)];
}

function isActive(product: NormalizedProduct): boolean {
  if (product.stockStatus === 'out_of_stock') {
    return false;
  }
  return (
    product.stockQuantity === undefined || product.stockQuantity > 0 || product.stockStatus === 'in_stock'
  );
}

/**
 * A product sold in variations, whose store gives no stock or price for the product itself, is what its
 * variations make it: the stock of them all, sold from the cheapest priced one (its prices, struck-through one
 * included). A stock or price the store gives the product is kept as it is.
 */
function withVariationTotals(product: NormalizedProduct): NormalizedProduct {
  const variations = product.variations ?? [];
  if (variations.length === 0) {
    return product;
  }
  const coherent = { ...product };
  if (product.stockQuantity === undefined) {
    coherent.stockQuantity = variations.reduce(
      (sum, variation) => sum + variationQuantity(variation, product),
      0,
    );
  }
  const priced = variations.filter(
    (variation) =>
      variation.price !== undefined ||
      variation.regularPrice !== undefined ||
      variation.salePrice !== undefined,
  );
  if (
    product.price === undefined &&
    product.regularPrice === undefined &&
    product.salePrice === undefined &&
    priced.length > 0
  ) {
    const cheapest = priced.reduce((best, variation) =>
      variationSellingPrice(variation, product) < variationSellingPrice(best, product) ? variation : best,
    );
    coherent.price = cheapest.price;
    coherent.regularPrice = cheapest.regularPrice;
    coherent.salePrice = cheapest.salePrice;
  }
  return coherent;
}

export function toShopimindProduct(
  storeProduct: NormalizedProduct,
  context: ShopimindProductContext,
): ShopimindProduct {
  const product = withVariationTotals(storeProduct);
  return {
    product_id: context.numericId,
    lang: context.lang,
    name: product.name,
    reference: product.sku ?? null,
    description: product.description ?? '',
    description_short: product.shortDescription ?? null,
    link: product.url,
    image_link: product.images[0] ?? null,
    category_ids: categoryIdsOf(product, context.categoryIds),
    currency: product.currency ?? context.currency,
    ...prices(product),
    // A store that reports availability but no count: 1 keeps an in-stock product sellable in ShopiMind.
    quantity_remaining: product.stockQuantity ?? (product.stockStatus === 'in_stock' ? 1 : 0),
    is_active: isActive(product),
    created_at: product.createdAt ?? context.now,
    updated_at: product.updatedAt ?? product.createdAt ?? context.now,
    ...(context.dataSourceId === undefined ? {} : { id_data_source: context.dataSourceId }),
  };
}
