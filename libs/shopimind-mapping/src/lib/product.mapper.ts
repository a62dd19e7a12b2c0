import type { NormalizedProduct } from '@storebridge/contracts';
import { toShopimindCategoryKey } from './category.mapper';
import type { ShopimindProduct } from './shopimind-records';

export interface ShopimindProductContext {
  /** Stable numeric id ShopiMind knows this product by (the SDK types product ids as numbers). */
  numericId: number;
  lang: string;
  currency: string;
  /** Numeric ShopiMind category id per category key (`toShopimindCategoryKey` of the store's category name). */
  categoryIds: ReadonlyMap<string, number>;
  dataSourceId?: number;
  /** Used when the store gives no dates: ShopiMind requires both. */
  now: string;
}

/** The displayed price is the regular one; a lower sale price becomes ShopiMind's discount price. */
function prices(product: NormalizedProduct): { price: number; price_discount: number | null } {
  const regular = product.regularPrice ?? product.price ?? product.salePrice ?? 0;
  const sale =
    product.salePrice ?? (product.price !== undefined && product.price < regular ? product.price : undefined);
  return { price: regular, price_discount: sale !== undefined && sale < regular ? sale : null };
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

export function toShopimindProduct(
  product: NormalizedProduct,
  context: ShopimindProductContext,
): ShopimindProduct {
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
    currency: context.currency,
    ...prices(product),
    // A store that reports availability but no count: 1 keeps an in-stock product sellable in ShopiMind.
    quantity_remaining: product.stockQuantity ?? (product.stockStatus === 'in_stock' ? 1 : 0),
    is_active: isActive(product),
    created_at: product.createdAt ?? context.now,
    updated_at: product.updatedAt ?? product.createdAt ?? context.now,
    ...(context.dataSourceId === undefined ? {} : { id_data_source: context.dataSourceId }),
  };
}
