/** Canonical field → store aliases, tried in this order after the canonical name (spec §6). */
export type FieldAliasTable = Readonly<Record<string, readonly string[]>>;

/**
 * Spec §4, verbatim, plus `currency`. `created_at`/`updated_at` have no aliases in the spec: they are read
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
  // [ours] Not in spec §4: the currency of the product's prices, under the alias spec §5 gives orders.
  currency: ['currency_code'],
} as const satisfies FieldAliasTable;

export type ProductField = keyof typeof PRODUCT_FIELD_ALIASES;

/**
 * Spec §5, verbatim, plus the fields the spec's seed examples also carry (`subtotal`, `tax`,
 * `shipping`, the addresses, `payment_method`, `updated_at`), which have no aliases: they are read
 * under their canonical name or through a field mapping. `order_number` is both an alias of `id`
 * and a field of its own.
 */
export const ORDER_FIELD_ALIASES = {
  id: ['order_id', 'order_number'],
  order_number: ['order_no', 'number'],
  status: ['order_status', 'state'],
  total: ['total_amount', 'grand_total', 'order_total'],
  subtotal: [],
  tax: [],
  shipping: [],
  currency: ['currency_code'],
  customer_email: ['email', 'billing_email'],
  customer_name: ['customer', 'buyer_name'],
  items: ['line_items', 'products', 'order_items'],
  shipping_address: [],
  billing_address: [],
  payment_method: [],
  created_at: ['date', 'order_date', 'created_date'],
  updated_at: [],
  // [ours] The customer's phone and marketing consent, for ShopiMind's customer record: `phone`/`billing_phone`
  // as WooCommerce's billing fields and most custom stores name them; `buyer_accepts_marketing` is Shopify's
  // order field, `optin`/`newsletter` PrestaShop's customer flags (ShopiMind's `is_opt_in` and
  // `is_newsletter_subscribed` come from there).
  customer_phone: ['phone', 'billing_phone', 'phone_number'],
  accepts_marketing: ['buyer_accepts_marketing', 'marketing_opt_in', 'opt_in', 'optin'],
  newsletter: ['newsletter_subscribed', 'is_newsletter_subscribed', 'subscribed_to_newsletter'],
} as const satisfies FieldAliasTable;

export type OrderField = keyof typeof ORDER_FIELD_ALIASES;

/**
 * [ours] Fields of one order line (spec §5 `{product_id, name, quantity, price}`). The spec accepts
 * `products` as the items key, so a line may be product-shaped: `id` and `sku` stand for the product
 * (after `product_id`, so a line item's own `id` loses to it), `title`/`product_name` as in §4;
 * `qty` and `unit_price` are the common line-item spellings.
 */
export const ORDER_ITEM_FIELD_ALIASES = {
  product_id: ['id', 'sku'],
  name: ['title', 'product_name'],
  quantity: ['qty'],
  price: ['unit_price'],
} as const satisfies FieldAliasTable;

export type OrderItemField = keyof typeof ORDER_ITEM_FIELD_ALIASES;

/**
 * [ours] Address fields (spec §5 `street, city, state, zip, country`) under their common store spellings, plus who
 * the address is for, as WooCommerce, Shopify, Magento and PrestaShop name it (`first_name`/`firstname`,
 * `company`, `phone`/`telephone`, `address_2`/`address2`); `address_line_1/2` are ShopiMind's own names.
 */
export const ADDRESS_FIELD_ALIASES = {
  street: ['address_1', 'address1', 'line1', 'street_1', 'address_line_1'],
  city: [],
  state: ['province', 'region'],
  zip: ['postcode', 'postal_code', 'zip_code'],
  country: ['country_code'],
  first_name: ['firstname', 'given_name'],
  last_name: ['lastname', 'surname', 'family_name'],
  name: ['full_name'],
  company: ['company_name'],
  phone: ['telephone', 'phone_number'],
  street_2: ['address_2', 'address2', 'line2', 'street2', 'address_line_2'],
} as const satisfies FieldAliasTable;

export type AddressField = keyof typeof ADDRESS_FIELD_ALIASES;
