import { EntityDefinition, ENTITY_DEFINITIONS, isSandboxEntity } from './sandbox-entities';
import {
  createDataSource,
  deleteDataSource,
  listDataSources,
  updateDataSource,
} from './sandbox-data-sources';
import { FaultInjector } from './sandbox-faults';
import { ApiResponse, apiError, bulkDeleteIds, bulkWriteAnswer, type RejectedItem } from './sandbox-response';
import { InstallationRecord, SandboxState } from './sandbox-state';
import { isRecord } from '@storebridge/untrusted-input';
import { validateObject } from './sandbox-validation';
import { deletePartsOfProducts, routeProductParts } from './sandbox-product-parts';
import { isCustomerAddressPath, routeCustomerAddresses } from './sandbox-customer-addresses';

/** The `/v1/...` API: authentication by `spm-api-key`, then one handler per route. */

export type RequestBody =
  { kind: 'empty' } | { kind: 'json'; value: unknown } | { kind: 'invalid_json' } | { kind: 'too_large' };

export interface ApiRequest {
  method: string;
  /** URL path starting with `/v1/`, without query string. */
  path: string;
  apiKey: string | undefined;
  body: RequestBody;
  /** API requests being handled when this one arrived, itself included. */
  inFlight: number;
}

export type { BulkWriteResult, RejectedItem } from './sandbox-response';

type Authentication =
  | { ok: true; installation: InstallationRecord }
  | { ok: false; response: ApiResponse; installationId: string | null };

// Spec shopimind.md §2: any call outside the active window answers 401.
function authenticate(state: SandboxState, apiKey: string | undefined): Authentication {
  if (apiKey === undefined || apiKey === '') {
    return { ok: false, installationId: null, response: apiError(401, 'Missing spm-api-key header') };
  }
  const installation = state.findByToken(apiKey);
  if (installation === undefined) {
    return { ok: false, installationId: null, response: apiError(401, 'Invalid API key') };
  }
  switch (installation.status) {
    case 'active':
      return { ok: true, installation };
    case 'revoked':
      return {
        ok: false,
        installationId: installation.installationId,
        response: apiError(401, 'API key revoked: the integration is not active'),
      };
    case 'uninstalled':
      return {
        ok: false,
        installationId: installation.installationId,
        response: apiError(401, 'API key revoked: the integration was uninstalled'),
      };
  }
}

function bodyValue(body: RequestBody): unknown {
  return body.kind === 'json' ? body.value : undefined;
}

export function dataSourceError(installation: InstallationRecord, item: Record<string, unknown>): string[] {
  const id = item['id_data_source'];
  if (typeof id !== 'number') {
    return [];
  }
  const source = installation.dataSources.find((s) => s.id_data_source === id);
  return source?.active ? [] : [`id_data_source ${id} is not an active data source of this shop`];
}

function upsertItems(
  definition: EntityDefinition,
  installation: InstallationRecord,
  body: unknown,
): ApiResponse {
  if (!Array.isArray(body)) {
    return apiError(400, 'Request body must be a JSON array of items');
  }
  if (body.length > definition.maxBatch) {
    return apiError(
      400,
      `Too many items: at most ${definition.maxBatch} ${definition.entity} per request, got ${body.length}`,
    );
  }
  const store = installation.items[definition.entity];
  const rejected: RejectedItem[] = [];
  body.forEach((item: unknown, index) => {
    const errors = validateObject(item, definition.schema);
    if (errors.length === 0 && isRecord(item)) {
      errors.push(...dataSourceError(installation, item));
    }
    if (errors.length > 0 || !isRecord(item)) {
      rejected.push({ index, errors });
      return;
    }
    // Upsert replaces the whole record, like a PUT of the entity. The item is the request's own parse: nothing
    // else holds it, so it is kept as it is.
    store.set(definition.keyOf(item), item);
    if (definition.entity === 'products') {
      installation.productAccepts.add(item);
    }
  });
  return bulkWriteAnswer(body.length, rejected);
}

function deleteByIds(
  definition: EntityDefinition,
  installation: InstallationRecord,
  ids: readonly string[],
): ApiResponse {
  const wanted = new Set(ids);
  const store = installation.items[definition.entity];
  let deleted = 0;
  for (const [key, item] of store) {
    if (wanted.has(definition.deleteIdOf(item))) {
      store.delete(key);
      deleted += 1;
    }
  }
  if (definition.entity === 'products') {
    deletePartsOfProducts(installation, wanted);
  }
  // Idempotent: ids already gone are not an error.
  return { status: 200, body: { statusCode: 200, deleted_count: deleted } };
}

function bulkDelete(
  definition: EntityDefinition,
  installation: InstallationRecord,
  body: unknown,
): ApiResponse {
  const ids = bulkDeleteIds(definition, body);
  return Array.isArray(ids) ? deleteByIds(definition, installation, ids) : ids;
}

function listItems(definition: EntityDefinition, installation: InstallationRecord): ApiResponse {
  return {
    status: 200,
    body: { statusCode: 200, data: [...installation.items[definition.entity].values()] },
  };
}

function routeEntity(
  definition: EntityDefinition,
  method: string,
  rest: string[],
  installation: InstallationRecord,
  body: unknown,
): ApiResponse | undefined {
  if (rest.length === 0) {
    if (method === 'POST' || method === 'PUT') {
      return upsertItems(definition, installation, body);
    }
    return method === 'GET' ? listItems(definition, installation) : undefined;
  }
  if (rest.length === 1 && rest[0] === 'bulk-delete' && method === 'POST') {
    return bulkDelete(definition, installation, body);
  }
  if (rest.length === 1 && method === 'DELETE') {
    return deleteByIds(definition, installation, [decodeURIComponent(rest[0])]);
  }
  return undefined;
}

function routeDataSources(
  state: SandboxState,
  method: string,
  rest: string[],
  installation: InstallationRecord,
  body: unknown,
): ApiResponse | undefined {
  if (rest.length === 0) {
    if (method === 'GET') {
      return listDataSources(installation);
    }
    return method === 'POST' ? createDataSource(state, installation, body) : undefined;
  }
  if (rest.length === 1 && method === 'PUT') {
    return updateDataSource(installation, rest[0], body);
  }
  if (rest.length === 1 && method === 'DELETE') {
    return deleteDataSource(installation, rest[0]);
  }
  return undefined;
}

function route(state: SandboxState, request: ApiRequest, installation: InstallationRecord): ApiResponse {
  if (request.body.kind === 'too_large') {
    return apiError(413, 'Request body too large');
  }
  if (request.body.kind === 'invalid_json') {
    return apiError(400, 'Request body is not valid JSON');
  }
  const [resource = '', ...rest] = request.path
    .replace(/^\/v1\/?/, '')
    .split('/')
    .filter(Boolean);
  const body = bodyValue(request.body);
  const response = isCustomerAddressPath(resource, rest)
    ? routeCustomerAddresses(installation, request.method, rest, body)
    : isProductPartPath(resource, rest)
      ? routeProductParts(request.method, rest, installation, body)
      : isSandboxEntity(resource) &&
          ENTITY_DEFINITIONS[resource].productPart === undefined &&
          ENTITY_DEFINITIONS[resource].customerPart === undefined
        ? routeEntity(ENTITY_DEFINITIONS[resource], request.method, rest, installation, body)
        : resource === 'data-sources'
          ? routeDataSources(state, request.method, rest, installation, body)
          : undefined;
  return response ?? apiError(404, `Cannot ${request.method} ${request.path}`);
}

/** `/v1/products/{variations|images}/…` or `/v1/products/:id/{variations|images}…`. */
function isProductPartPath(resource: string, rest: readonly string[]): boolean {
  const part = (segment: string | undefined) => segment === 'variations' || segment === 'images';
  return resource === 'products' && (part(rest[0]) || part(rest[1]));
}

function itemCount(body: RequestBody): number {
  const value = bodyValue(body);
  if (Array.isArray(value)) {
    return value.length;
  }
  const ids = isRecord(value) ? Object.entries(value).find(([key]) => key.endsWith('_ids'))?.[1] : undefined;
  return Array.isArray(ids) ? ids.length : 0;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function handleApiRequest(
  state: SandboxState,
  request: ApiRequest,
  faults?: FaultInjector,
): ApiResponse {
  const auth = authenticate(state, request.apiKey);
  // After authentication, so a bad key still answers 401 and every fault is logged with its installation.
  const injected = auth.ok && WRITE_METHODS.has(request.method) ? faults?.nextWrite() : undefined;
  const response = injected ?? (auth.ok ? route(state, request, auth.installation) : auth.response);
  state.recordRequest({
    at: new Date().toISOString(),
    method: request.method,
    path: request.path,
    status: response.status,
    itemCount: itemCount(request.body),
    installationId: auth.ok ? auth.installation.installationId : auth.installationId,
    injected: injected !== undefined,
    inFlight: request.inFlight,
  });
  return response;
}
