import { isRecord } from '@storebridge/untrusted-input';
import { dataSourceError } from './sandbox-api';
import { ENTITY_DEFINITIONS, EntityDefinition, SandboxItem } from './sandbox-entities';
import { ApiResponse, apiError, bulkDeleteIds, bulkWriteAnswer, type RejectedItem } from './sandbox-response';
import { InstallationRecord } from './sandbox-state';
import { validateObject } from './sandbox-validation';

/**
 * A product's variations and images, nested under it as the SDK's SpmProductsVariations and SpmProductsImages
 * call them:
 * - `POST /v1/products/{variations|images}/bulk`: items of any products, each naming its `product_id`;
 * - `POST|PUT /v1/products/:productId/{variations|images}`: items of that product;
 * - `POST /v1/products/:productId/{variations|images}/bulk-delete` with `{variation_ids|image_ids: [...]}`;
 * - `DELETE /v1/products/:productId/{variations|images}/:id`; `GET /v1/products/:productId/{variations|images}`.
 * An item of a product the shop does not hold in its language is rejected: ShopiMind attaches it to its product.
 */
const PARTS: Readonly<Record<string, EntityDefinition>> = {
  variations: ENTITY_DEFINITIONS['products-variations'],
  images: ENTITY_DEFINITIONS['products-images'],
};

const PRODUCT_ID = /^[1-9]\d{0,15}$/;

/** The answer to a `/v1/products/…` path that names a part, undefined for any other path. */
export function routeProductParts(
  method: string,
  rest: readonly string[],
  installation: InstallationRecord,
  body: unknown,
): ApiResponse | undefined {
  const [first, second, third, ...more] = rest;
  if (first !== undefined && Object.hasOwn(PARTS, first) && second === 'bulk' && third === undefined) {
    return method === 'POST' ? upsertParts(PARTS[first], installation, body, undefined) : undefined;
  }
  if (
    first === undefined ||
    !PRODUCT_ID.test(first) ||
    second === undefined ||
    !Object.hasOwn(PARTS, second)
  ) {
    return undefined;
  }
  const definition = PARTS[second];
  const productId = Number(first);
  if (third === undefined) {
    if (method === 'POST' || method === 'PUT') {
      return upsertParts(definition, installation, body, productId);
    }
    return method === 'GET' ? listParts(definition, installation, productId) : undefined;
  }
  if (more.length > 0) {
    return undefined;
  }
  if (third === 'bulk-delete' && method === 'POST') {
    const ids = bulkDeleteIds(definition, body);
    return Array.isArray(ids) ? deleteParts(definition, installation, productId, ids) : ids;
  }
  return method === 'DELETE'
    ? deleteParts(definition, installation, productId, [decodeURIComponent(third)])
    : undefined;
}

/** A deleted product takes its variations and images with it. */
export function deletePartsOfProducts(
  installation: InstallationRecord,
  productIds: ReadonlySet<string>,
): void {
  for (const definition of Object.values(PARTS)) {
    const store = installation.items[definition.entity];
    for (const [key, item] of store) {
      if (productIds.has(String(item['product_id']))) {
        store.delete(key);
      }
    }
  }
}

function upsertParts(
  definition: EntityDefinition,
  installation: InstallationRecord,
  body: unknown,
  pathProductId: number | undefined,
): ApiResponse {
  if (!Array.isArray(body)) {
    return apiError(400, 'Request body must be a JSON array of items');
  }
  if (body.length > definition.maxBatch) {
    return apiError(400, `Too many items: at most ${definition.maxBatch} per request, got ${body.length}`);
  }
  const store = installation.items[definition.entity];
  const rejected: RejectedItem[] = [];
  body.forEach((given: unknown, index) => {
    const item =
      isRecord(given) && pathProductId !== undefined ? { ...given, product_id: pathProductId } : given;
    const errors = validateObject(item, definition.schema);
    if (errors.length === 0 && isRecord(item)) {
      errors.push(...dataSourceError(installation, item), ...productError(installation, item));
    }
    if (errors.length > 0 || !isRecord(item)) {
      rejected.push({ index, errors });
      return;
    }
    const stored: SandboxItem = { ...item, product_id: Number(item['product_id']) };
    store.set(definition.keyOf(stored), stored);
  });
  return bulkWriteAnswer(body.length, rejected);
}

function productError(installation: InstallationRecord, item: SandboxItem): string[] {
  const key = `${Number(item['product_id'])}|${String(item['lang'])}`;
  return installation.items.products.has(key)
    ? []
    : [
        `product_id ${String(item['product_id'])} is not a product of this shop in lang ${String(item['lang'])}`,
      ];
}

function listParts(
  definition: EntityDefinition,
  installation: InstallationRecord,
  productId: number,
): ApiResponse {
  const data = [...installation.items[definition.entity].values()].filter(
    (item) => item['product_id'] === productId,
  );
  return { status: 200, body: { statusCode: 200, data } };
}

function deleteParts(
  definition: EntityDefinition,
  installation: InstallationRecord,
  productId: number,
  ids: readonly string[],
): ApiResponse {
  const wanted = new Set(ids);
  const store = installation.items[definition.entity];
  let deleted = 0;
  for (const [key, item] of store) {
    if (item['product_id'] === productId && wanted.has(definition.deleteIdOf(item))) {
      store.delete(key);
      deleted += 1;
    }
  }
  // Idempotent: ids already gone are not an error.
  return { status: 200, body: { statusCode: 200, deleted_count: deleted } };
}
