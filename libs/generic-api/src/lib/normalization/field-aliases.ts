/** Canonical field → store aliases, tried in this order after the canonical name (spec §6). */
export type FieldAliasTable = Readonly<Record<string, readonly string[]>>;

/**
 * Spec §4, verbatim. `created_at`/`updated_at` have no aliases in the spec: they are read
 * under their canonical name or through a field mapping.
 */
export const PRODUCT_FIELD_ALIASES = {
  id: ['product_id', 'sku'],
  name: ['title', 'product_name'],
  price: ['selling_price', 'current_price'],
  regular_price: ['original_price', 'list_price'],
  sale_price: ['discount_price'],
  sku: ['product_sku', 'code'],
  description: ['full_description', 'body'],
  short_description: ['summary', 'excerpt'],
  stock_status: ['availability'],
  stock_quantity: ['stock', 'inventory', 'quantity'],
  categories: ['category', 'product_categories'],
  tags: ['product_tags', 'labels'],
  images: ['photos', 'gallery', 'image_urls'],
  attributes: ['variations', 'options'],
  permalink: [
    'product_url',
    'url',
    'link',
    'product_link',
    'html_url',
    'web_url',
    'href',
    'page_url',
    'detail_url',
  ],
  slug: ['handle', 'product_slug', 'permalink_slug', 'url_key', 'url_slug', 'seo_slug'],
  created_at: [],
  updated_at: [],
} as const satisfies FieldAliasTable;

export type ProductField = keyof typeof PRODUCT_FIELD_ALIASES;
