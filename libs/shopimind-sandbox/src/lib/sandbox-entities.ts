import {
  CUSTOMER_SCHEMA,
  ObjectSchema,
  ORDER_SCHEMA,
  ORDER_STATUS_SCHEMA,
  PRODUCT_CATEGORY_SCHEMA,
  PRODUCT_SCHEMA,
} from './sandbox-validation';

/** Each entity is named like its API path: `/v1/<entity>`. */
export type SandboxEntity = 'products' | 'orders' | 'customers' | 'orders-statuses' | 'products-categories';

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
};

export const SANDBOX_ENTITIES = Object.keys(ENTITY_DEFINITIONS) as SandboxEntity[];

export function isSandboxEntity(value: string): value is SandboxEntity {
  return Object.prototype.hasOwnProperty.call(ENTITY_DEFINITIONS, value);
}
