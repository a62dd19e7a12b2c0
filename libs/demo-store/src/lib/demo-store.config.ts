import { DEFAULT_PRODUCT_COUNT } from './demo-catalog';

export interface DemoStorePaths {
  health: string;
  products: string;
  orders: string;
}

/**
 * How the demo store behaves. Each variation is one optional field with a default that
 * matches the generic API contract, so new variations do not change existing callers.
 */
export interface DemoStoreOptions {
  /** Port to listen on, 0 (default) for a random free one. Always bound to 127.0.0.1. */
  port?: number;
  productCount?: number;
  orderCount?: number;
  /** When set, every request must carry `X-API-Key: <apiKey>`. */
  apiKey?: string;
  paths?: Partial<DemoStorePaths>;
  /** Delay added before every response. */
  latencyMs?: number;
  /**
   * Credential every request must carry (spec §2), health included. Takes precedence over `apiKey`,
   * which stays as the shorthand for `{ method: 'api_key', key }`. Default: no auth.
   */
  auth?: DemoStoreAuth;
  /** `envelope` (default): `{ data, meta }`; `array`: a bare JSON array per page (spec §3). */
  shape?: DemoStoreShape;
  /**
   * `canonical` (default): spec §4 field names; `aliases`: the same products under accepted
   * aliases (`title`, `selling_price`, `product_url`, `photos`, `availability`, `inventory`...).
   */
  fieldStyle?: DemoStoreFieldStyle;
  /** Serve `categories` and `tags` as comma-separated strings instead of arrays. Default off. */
  categoriesAsCsv?: boolean;
  /** Serve prices as currency-formatted strings (`"€1,299.00"`, `"EUR 49.90"`). Default off. */
  pricesAsStrings?: boolean;
  /** Every n-th order is a guest order without an email, which ShopiMind cannot take. Default 0: none. */
  guestOrderEvery?: number;
  /** A broken store: ignore `page` and always serve page 1. Default off. */
  ignorePageParam?: boolean;
  /** Every `every`-th request (counted over all paths) answers 429 with `Retry-After`. Default off. */
  rateLimit?: DemoStoreRateLimit;
  /** Every `every`-th request answers a 5xx, optionally with an HTML error page. Default off. */
  failures?: DemoStoreFailures;
}

export type DemoStoreAuth =
  | { method: 'api_key'; key: string }
  | { method: 'bearer'; token: string }
  | { method: 'basic'; username: string; password: string };

export type DemoStoreShape = 'envelope' | 'array';
export type DemoStoreFieldStyle = 'canonical' | 'aliases';

export interface DemoStoreRateLimit {
  every: number;
  retryAfterSeconds: number;
}

export interface DemoStoreFailures {
  every: number;
  status: 500 | 502 | 503;
  /** Answer `text/html` like a reverse proxy error page instead of JSON. */
  html?: boolean;
}

export interface DemoStoreConfig {
  port: number;
  productCount: number;
  orderCount: number;
  /** The `api_key` credential when `auth` is an API key, kept for callers of the shorthand. */
  apiKey: string | undefined;
  auth: DemoStoreAuth | undefined;
  paths: DemoStorePaths;
  latencyMs: number;
  shape: DemoStoreShape;
  fieldStyle: DemoStoreFieldStyle;
  categoriesAsCsv: boolean;
  pricesAsStrings: boolean;
  guestOrderEvery: number;
  ignorePageParam: boolean;
  rateLimit: DemoStoreRateLimit | undefined;
  failures: DemoStoreFailures | undefined;
}

export const DEFAULT_DEMO_STORE_PATHS: Readonly<DemoStorePaths> = {
  health: '/health',
  products: '/api/products',
  orders: '/api/orders',
};

function nonNegativeInteger(name: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < 0) {
    throw new RangeError(`demo store option ${name} must be a non-negative integer, got ${resolved}`);
  }
  return resolved;
}

function resolvePaths(paths: Partial<DemoStorePaths> | undefined): DemoStorePaths {
  const resolved = { ...DEFAULT_DEMO_STORE_PATHS, ...paths };
  const values = Object.values(resolved);
  for (const path of values) {
    if (!path.startsWith('/') || path.includes('?')) {
      throw new RangeError(`demo store path must start with "/" and carry no query, got "${path}"`);
    }
  }
  if (new Set(values).size !== values.length) {
    throw new RangeError('demo store paths must be distinct');
  }
  return resolved;
}

function resolveAuth(options: DemoStoreOptions): DemoStoreAuth | undefined {
  if (options.apiKey === '') {
    throw new RangeError('demo store option apiKey must not be empty; omit it to disable auth');
  }
  const auth: DemoStoreAuth | undefined =
    options.auth ?? (options.apiKey === undefined ? undefined : { method: 'api_key', key: options.apiKey });
  if (auth === undefined) {
    return undefined;
  }
  switch (auth.method) {
    case 'api_key':
      if (auth.key === '') {
        throw new RangeError('demo store option auth.key must not be empty');
      }
      return { ...auth };
    case 'bearer':
      if (auth.token === '') {
        throw new RangeError('demo store option auth.token must not be empty');
      }
      return { ...auth };
    case 'basic':
      if (auth.username === '' || auth.username.includes(':')) {
        throw new RangeError('demo store option auth.username must be non-empty and without ":"');
      }
      return { ...auth };
  }
}

function positiveEvery(name: string, every: number): number {
  if (!Number.isInteger(every) || every < 1) {
    throw new RangeError(`demo store option ${name}.every must be a positive integer, got ${every}`);
  }
  return every;
}

export function resolveDemoStoreConfig(options: DemoStoreOptions): DemoStoreConfig {
  const auth = resolveAuth(options);
  const { rateLimit, failures } = options;
  return {
    port: nonNegativeInteger('port', options.port, 0),
    productCount: nonNegativeInteger('productCount', options.productCount, DEFAULT_PRODUCT_COUNT),
    orderCount: nonNegativeInteger('orderCount', options.orderCount, 0),
    apiKey: auth?.method === 'api_key' ? auth.key : undefined,
    auth,
    paths: resolvePaths(options.paths),
    latencyMs: nonNegativeInteger('latencyMs', options.latencyMs, 0),
    shape: options.shape ?? 'envelope',
    fieldStyle: options.fieldStyle ?? 'canonical',
    categoriesAsCsv: options.categoriesAsCsv ?? false,
    pricesAsStrings: options.pricesAsStrings ?? false,
    guestOrderEvery: nonNegativeInteger('guestOrderEvery', options.guestOrderEvery, 0),
    ignorePageParam: options.ignorePageParam ?? false,
    rateLimit:
      rateLimit === undefined
        ? undefined
        : {
            every: positiveEvery('rateLimit', rateLimit.every),
            retryAfterSeconds: nonNegativeInteger(
              'rateLimit.retryAfterSeconds',
              rateLimit.retryAfterSeconds,
              0,
            ),
          },
    failures:
      failures === undefined
        ? undefined
        : {
            every: positiveEvery('failures', failures.every),
            status: failures.status,
            html: failures.html ?? false,
          },
  };
}
