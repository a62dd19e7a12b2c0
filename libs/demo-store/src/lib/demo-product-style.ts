import { DemoProduct } from './demo-catalog';
import { DemoStoreConfig } from './demo-store.config';

/**
 * Accepted aliases of spec §4 for each canonical product field, as the `aliases` field style
 * serves them. `created_at`/`updated_at` have no alias in the spec and keep their names.
 */
export const DEMO_PRODUCT_ALIASES: Readonly<Record<keyof DemoProduct, string>> = {
  id: 'product_id',
  name: 'title',
  price: 'selling_price',
  regular_price: 'list_price',
  sale_price: 'discount_price',
  currency: 'currency_code',
  sku: 'product_sku',
  description: 'body',
  short_description: 'summary',
  stock_status: 'availability',
  stock_quantity: 'inventory',
  categories: 'product_categories',
  tags: 'labels',
  images: 'photos',
  attributes: 'variations',
  permalink: 'product_url',
  slug: 'handle',
  created_at: 'created_at',
  updated_at: 'updated_at',
};

const PRICE_FIELDS: ReadonlySet<keyof DemoProduct> = new Set(['price', 'regular_price', 'sale_price']);
const LIST_FIELDS: ReadonlySet<keyof DemoProduct> = new Set(['categories', 'tags']);

/**
 * `"€1,299.00"` or `"EUR 1,299.00"`, alternating by product so that a symbol and a code are both exercised, in
 * the store's one currency.
 */
export function formatDemoPrice(amount: number, index: number): string {
  const digits = amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return index % 2 === 1 ? `€${digits}` : `EUR ${digits}`;
}

type ProductStyle = Pick<DemoStoreConfig, 'fieldStyle' | 'categoriesAsCsv' | 'pricesAsStrings'>;

/** The product as this store variation serves it: same values, other names or formats. */
export function styleDemoProduct(product: DemoProduct, index: number, style: ProductStyle): unknown {
  if (style.fieldStyle === 'canonical' && !style.categoriesAsCsv && !style.pricesAsStrings) {
    return product;
  }
  const styled: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(product) as Array<[keyof DemoProduct, unknown]>) {
    const name = style.fieldStyle === 'aliases' ? DEMO_PRODUCT_ALIASES[field] : field;
    if (style.pricesAsStrings && PRICE_FIELDS.has(field) && typeof value === 'number') {
      styled[name] = formatDemoPrice(value, index);
    } else if (style.categoriesAsCsv && LIST_FIELDS.has(field) && Array.isArray(value)) {
      styled[name] = value.join(', ');
    } else {
      styled[name] = value;
    }
  }
  return styled;
}
