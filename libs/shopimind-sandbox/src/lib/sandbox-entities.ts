import {
  BULK_CUSTOMER_ADDRESS_SCHEMA,
  CUSTOMER_SCHEMA,
  ObjectSchema,
  ORDER_SCHEMA,
  ORDER_STATUS_SCHEMA,
  PRODUCT_CATEGORY_SCHEMA,
  PRODUCT_IMAGE_SCHEMA,
  PRODUCT_SCHEMA,
  PRODUCT_VARIATION_SCHEMA,
} from './sandbox-validation';

/** Each entity is named like its API path: `/v1/<entity>`. */
export type SandboxEntity =
  | 'products'
  | 'orders'
  | 'customers'
  | 'orders-statuses'
  | 'products-categories'
  | 'products-variations'
  | 'products-images'
  | 'customers-addresses';

export type SandboxItem = Record<string, unknown>;

/**
 * One synchronised resource of the ShopiMind API. Adding a resource (categories, statuses…)
 * is one more entry here; the server routes every entry the same way.
 */
export interface EntityDefinition {
  entity: SandboxEntity;
  /** Items per write request (spec shopimind.md §9: 50, or 100 for reference data). */
  maxBatch: number;
  schema: ObjectSchema;
  /** Upsert key within one installation. */
  keyOf(item: SandboxItem): string;
  /** Body field of `POST /v1/<entity>/bulk-delete`. */
  deleteField: string;
  /** Id that `bulk-delete` and `DELETE /v1/<entity>/:id` match against. */
  deleteIdOf(item: SandboxItem): string;
  /** Reached only under `/v1/products/…` (sandbox-product-parts.ts), never as `/v1/<entity>`. */
  productPart?: 'variations' | 'images';
  /** Reached only under `/v1/customers/…` (sandbox-customer-addresses.ts), never as `/v1/<entity>`. */
  customerPart?: 'addresses';
}

const field =
  (name: string) =>
  (item: SandboxItem): string =>
    String(item[name]);

export const ENTITY_DEFINITIONS: Readonly<Record<SandboxEntity, EntityDefinition>> = {
  products: {
    entity: 'products',
    maxBatch: 50,
    schema: PRODUCT_SCHEMA,
    keyOf: (item) => `${String(item['product_id'])}|${String(item['lang'])}`,
    deleteField: 'product_ids',
    // A product is deleted in every language at once.
    deleteIdOf: field('product_id'),
  },
  orders: {
    entity: 'orders',
    maxBatch: 50,
    schema: ORDER_SCHEMA,
    keyOf: field('order_id'),
    deleteField: 'order_ids',
    deleteIdOf: field('order_id'),
  },
  customers: {
    entity: 'customers',
    maxBatch: 50,
    schema: CUSTOMER_SCHEMA,
    keyOf: field('customer_id'),
    deleteField: 'customer_ids',
    deleteIdOf: field('customer_id'),
  },
  'orders-statuses': {
    entity: 'orders-statuses',
    // Reference data: larger batches (spec §9).
    maxBatch: 100,
    schema: ORDER_STATUS_SCHEMA,
    // Statuses are named per language, like products.
    keyOf: (item) => `${String(item['status_id'])}|${String(item['lang'])}`,
    deleteField: 'status_ids',
    deleteIdOf: field('status_id'),
  },
  'products-categories': {
    entity: 'products-categories',
    // Reference data: larger batches (spec §9).
    maxBatch: 100,
    schema: PRODUCT_CATEGORY_SCHEMA,
    // Upsert key category_id + lang (spec §9): a category is named per language.
    keyOf: (item) => `${String(item['category_id'])}|${String(item['lang'])}`,
    deleteField: 'category_ids',
    // A category is deleted in every language at once.
    deleteIdOf: field('category_id'),
  },
  'products-variations': {
    entity: 'products-variations',
    maxBatch: 50,
    schema: PRODUCT_VARIATION_SCHEMA,
    // Named per language like its product; variation ids are unique per product only.
    keyOf: (item) => `${String(item['product_id'])}|${String(item['variation_id'])}|${String(item['lang'])}`,
    deleteField: 'variation_ids',
    deleteIdOf: field('variation_id'),
    productPart: 'variations',
  },
  'products-images': {
    entity: 'products-images',
    maxBatch: 50,
    schema: PRODUCT_IMAGE_SCHEMA,
    keyOf: (item) => `${String(item['product_id'])}|${String(item['image_id'])}|${String(item['lang'])}`,
    deleteField: 'image_ids',
    deleteIdOf: field('image_id'),
    productPart: 'images',
  },
  'customers-addresses': {
    entity: 'customers-addresses',
    maxBatch: 50,
    schema: BULK_CUSTOMER_ADDRESS_SCHEMA,
    // Address ids are unique per customer only.
    keyOf: (item) => `${String(item['customer_id'])}|${String(item['address_id'])}`,
    deleteField: 'address_ids',
    deleteIdOf: field('address_id'),
    customerPart: 'addresses',
  },
};

export const SANDBOX_ENTITIES = Object.keys(ENTITY_DEFINITIONS) as SandboxEntity[];

export function isSandboxEntity(value: string): value is SandboxEntity {
  return Object.prototype.hasOwnProperty.call(ENTITY_DEFINITIONS, value);
}
