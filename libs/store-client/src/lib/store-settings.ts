import type { FieldMapping } from '@storebridge/store-normalization';

/** How the store authenticates us; each method maps to one header (spec §2). */
export type StoreAuth =
  | { method: 'api_key'; token: string }
  | { method: 'bearer'; token: string }
  | { method: 'basic'; username: string; password: string };

export type StoreAuthMethod = StoreAuth['method'];

/** Endpoint paths relative to the base URL; they may carry their own query string. */
export interface StorePaths {
  health: string;
  products: string;
  orders: string;
}

export interface StoreFieldMappings {
  products: FieldMapping;
  orders: FieldMapping;
}

export interface StoreConnectionSettings {
  /** Scheme and host (and port) only: no trailing slash, no path (spec §1). */
  baseUrl: string;
  auth: StoreAuth;
  paths: StorePaths;
  fieldMappings: StoreFieldMappings;
  perPage: number;
}

/** What a caller may leave out; `resolveStoreSettings` fills in the defaults. */
export interface StoreConnectionInput {
  baseUrl: string;
  auth: StoreAuth;
  paths?: Partial<StorePaths>;
  fieldMappings?: Partial<StoreFieldMappings>;
  perPage?: number;
}

export const DEFAULT_STORE_PATHS: Readonly<StorePaths> = Object.freeze({
  health: '/health',
  products: '/api/products',
  orders: '/api/orders',
});

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 100;

export class StoreSettingsError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`Invalid store connection setting "${field}": ${reason}`);
    this.name = 'StoreSettingsError';
  }
}

/**
 * Applies the defaults of spec §1/§3 and rejects settings that would make every request fail.
 * Scheme policy (https only, no private addresses) is a deployment decision left to the caller.
 */
export function resolveStoreSettings(input: StoreConnectionInput): StoreConnectionSettings {
  const perPage = input.perPage ?? DEFAULT_PER_PAGE;
  assertPerPage(perPage, 'perPage');
  return {
    baseUrl: normalizeBaseUrl(input.baseUrl),
    auth: validateAuth(input.auth),
    paths: {
      health: normalizePath(input.paths?.health ?? DEFAULT_STORE_PATHS.health, 'paths.health'),
      products: normalizePath(input.paths?.products ?? DEFAULT_STORE_PATHS.products, 'paths.products'),
      orders: normalizePath(input.paths?.orders ?? DEFAULT_STORE_PATHS.orders, 'paths.orders'),
    },
    fieldMappings: {
      products: validateMapping(input.fieldMappings?.products ?? {}, 'fieldMappings.products'),
      orders: validateMapping(input.fieldMappings?.orders ?? {}, 'fieldMappings.orders'),
    },
    perPage,
  };
}

/** `per_page` is 1..100 (spec §3). */
export function assertPerPage(perPage: number, field = 'perPage'): void {
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) {
    throw new StoreSettingsError(field, `must be an integer from 1 to ${MAX_PER_PAGE}, got ${perPage}`);
  }
}

export function normalizeBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new StoreSettingsError('baseUrl', 'is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new StoreSettingsError('baseUrl', `scheme must be http or https, got ${url.protocol}`);
  }
  // Credentials belong in `auth`, where they are encrypted and never logged (spec §2).
  if (url.username !== '' || url.password !== '') {
    throw new StoreSettingsError('baseUrl', 'must not contain credentials');
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw new StoreSettingsError('baseUrl', 'must be scheme and host only (put paths in "paths")');
  }
  return url.origin;
}

function normalizePath(path: string, field: string): string {
  const trimmed = path.trim();
  if (!trimmed.startsWith('/') || trimmed.startsWith('//')) {
    throw new StoreSettingsError(field, 'must start with a single "/"');
  }
  return trimmed;
}

function validateAuth(auth: StoreAuth): StoreAuth {
  switch (auth.method) {
    case 'api_key':
    case 'bearer':
      // Sent verbatim in a header: anything outside visible ASCII would make every request fail.
      if (!/^[\x21-\x7e]+$/.test(auth.token)) {
        throw new StoreSettingsError('auth.token', 'must be non-empty visible ASCII without spaces');
      }
      return { method: auth.method, token: auth.token };
    case 'basic':
      if (auth.username === '') {
        throw new StoreSettingsError('auth.username', 'must not be empty');
      }
      // RFC 7617: the user-id cannot contain a colon, the password can.
      if (auth.username.includes(':')) {
        throw new StoreSettingsError('auth.username', 'must not contain ":"');
      }
      return { method: 'basic', username: auth.username, password: auth.password };
  }
}

function validateMapping(mapping: FieldMapping, field: string): FieldMapping {
  const result: Record<string, string> = {};
  for (const [canonical, storeField] of Object.entries(mapping)) {
    if (typeof storeField !== 'string' || storeField.trim() === '') {
      throw new StoreSettingsError(`${field}.${canonical}`, 'must be a non-empty store field name');
    }
    result[canonical] = storeField.trim();
  }
  return result;
}
