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
}

export interface DemoStoreConfig {
  port: number;
  productCount: number;
  orderCount: number;
  apiKey: string | undefined;
  paths: DemoStorePaths;
  latencyMs: number;
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

export function resolveDemoStoreConfig(options: DemoStoreOptions): DemoStoreConfig {
  if (options.apiKey === '') {
    throw new RangeError('demo store option apiKey must not be empty; omit it to disable auth');
  }
  return {
    port: nonNegativeInteger('port', options.port, 0),
    productCount: nonNegativeInteger('productCount', options.productCount, DEFAULT_PRODUCT_COUNT),
    orderCount: nonNegativeInteger('orderCount', options.orderCount, 0),
    apiKey: options.apiKey,
    paths: resolvePaths(options.paths),
    latencyMs: nonNegativeInteger('latencyMs', options.latencyMs, 0),
  };
}
