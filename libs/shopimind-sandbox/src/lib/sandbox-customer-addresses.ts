import { isRecord } from '@storebridge/untrusted-input';
import { dataSourceError } from './sandbox-api';
import { ENTITY_DEFINITIONS, type SandboxItem } from './sandbox-entities';
import { apiError, bulkDeleteIds, bulkWriteAnswer, type ApiResponse } from './sandbox-response';
import type { InstallationRecord } from './sandbox-state';
import { CUSTOMER_ADDRESS_SCHEMA, validateObject, type ObjectSchema } from './sandbox-validation';

/**
 * The customer-address routes of `SpmCustomersAddresses`, under `/v1/customers/…`:
 * - `POST customers/addresses/bulk`: items naming their `customer_id` (bulkSaveAll);
 * - `POST|PUT customers/:customerId/addresses`: one customer's items (bulkSave, bulkUpdate); `GET` lists them;
 * - `POST customers/:customerId/addresses/bulk-delete` `{address_ids}`; `DELETE customers/:customerId/addresses/:id`.
 * Items are checked against the SDK's types, and an address must belong to a customer the shop has.
 */

const definition = ENTITY_DEFINITIONS['customers-addresses'];

interface RejectedAddress {
  index: number;
  errors: string[];
}

function customerErrors(installation: InstallationRecord, customerId: unknown): string[] {
  return typeof customerId === 'string' && installation.items.customers.has(customerId)
    ? []
    : [`customer_id ${String(customerId)} is not a customer of this shop`];
}

function saveAddresses(
  installation: InstallationRecord,
  body: unknown,
  schema: ObjectSchema,
  customerIdFromPath: string | undefined,
): ApiResponse {
  if (!Array.isArray(body)) {
    return apiError(400, 'Request body must be a JSON array of items');
  }
  if (body.length > definition.maxBatch) {
    return apiError(
      400,
      `Too many items: at most ${definition.maxBatch} addresses per request, got ${body.length}`,
    );
  }
  const store = installation.items['customers-addresses'];
  const rejected: RejectedAddress[] = [];
  body.forEach((item: unknown, index) => {
    const errors = validateObject(item, schema);
    if (errors.length > 0 || !isRecord(item)) {
      rejected.push({ index, errors });
      return;
    }
    const record: SandboxItem =
      customerIdFromPath === undefined ? item : { ...item, customer_id: customerIdFromPath };
    errors.push(
      ...dataSourceError(installation, record),
      ...customerErrors(installation, record['customer_id']),
    );
    if (errors.length > 0) {
      rejected.push({ index, errors });
      return;
    }
    store.set(definition.keyOf(record), record);
  });
  return bulkWriteAnswer(body.length, rejected);
}

function addressesOf(installation: InstallationRecord, customerId: string): SandboxItem[] {
  return [...installation.items['customers-addresses'].values()].filter(
    (item) => item['customer_id'] === customerId,
  );
}

function deleteAddresses(
  installation: InstallationRecord,
  customerId: string,
  ids: readonly string[],
): ApiResponse {
  const wanted = new Set(ids);
  const store = installation.items['customers-addresses'];
  let deleted = 0;
  for (const item of addressesOf(installation, customerId)) {
    if (wanted.has(definition.deleteIdOf(item))) {
      store.delete(definition.keyOf(item));
      deleted += 1;
    }
  }
  // Idempotent, like every delete of the API.
  return { status: 200, body: { statusCode: 200, deleted_count: deleted } };
}

function bulkDeleteAddresses(
  installation: InstallationRecord,
  customerId: string,
  body: unknown,
): ApiResponse {
  const ids = bulkDeleteIds(definition, body);
  return Array.isArray(ids) ? deleteAddresses(installation, customerId, ids) : ids;
}

/** `/v1/customers/addresses/bulk` or `/v1/customers/:id/addresses…`. */
export function isCustomerAddressPath(resource: string, rest: readonly string[]): boolean {
  return resource === 'customers' && (rest[0] === 'addresses' || rest[1] === 'addresses');
}

/** Answers a `/v1/customers/…` request that is about addresses; undefined for any other (customers themselves). */
export function routeCustomerAddresses(
  installation: InstallationRecord,
  method: string,
  rest: readonly string[],
  body: unknown,
): ApiResponse | undefined {
  if (rest.length === 2 && rest[0] === 'addresses' && rest[1] === 'bulk') {
    return method === 'POST' ? saveAddresses(installation, body, definition.schema, undefined) : undefined;
  }
  if (rest.length < 2 || rest[1] !== 'addresses') {
    return undefined;
  }
  const customerId = decodeURIComponent(rest[0]);
  const [, , action, ...more] = rest;
  if (more.length > 0) {
    return undefined;
  }
  if (action === undefined) {
    if (method === 'POST' || method === 'PUT') {
      return saveAddresses(installation, body, CUSTOMER_ADDRESS_SCHEMA, customerId);
    }
    return method === 'GET'
      ? { status: 200, body: { statusCode: 200, data: addressesOf(installation, customerId) } }
      : undefined;
  }
  if (action === 'bulk-delete' && method === 'POST') {
    return bulkDeleteAddresses(installation, customerId, body);
  }
  return method === 'DELETE'
    ? deleteAddresses(installation, customerId, [decodeURIComponent(action)])
    : undefined;
}
