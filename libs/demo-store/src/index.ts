export { startDemoStore } from './lib/demo-store.server';
export type { DemoStore } from './lib/demo-store.server';
export { DEFAULT_DEMO_STORE_PATHS, resolveDemoStoreConfig } from './lib/demo-store.config';
export type {
  DemoStoreAuth,
  DemoStoreConfig,
  DemoStoreFailures,
  DemoStoreFieldStyle,
  DemoStoreOptions,
  DemoStorePaths,
  DemoStoreRateLimit,
  DemoStoreShape,
} from './lib/demo-store.config';
export { DEMO_PRODUCT_ALIASES, formatDemoPrice, styleDemoProduct } from './lib/demo-product-style';
export type { DemoStoreStats } from './lib/demo-store.stats';
export { DEFAULT_PRODUCT_COUNT, DEMO_STORE_ORIGIN, demoOrder, demoProduct } from './lib/demo-catalog';
export type {
  DemoAddress,
  DemoOrder,
  DemoOrderItem,
  DemoOrderOptions,
  DemoProduct,
  DemoStockStatus,
  DemoVariation,
} from './lib/demo-catalog';
export { DEFAULT_PER_PAGE, MAX_PER_PAGE } from './lib/demo-pagination';
export type { PageEnvelope, PageMeta } from './lib/demo-pagination';
