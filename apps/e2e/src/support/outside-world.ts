import { randomBytes } from 'node:crypto';
import { demoProduct, startDemoStore, type DemoStore, type DemoStoreOptions } from '@storebridge/demo-store';
import { startShopimindSandbox, type ShopimindSandbox } from '@storebridge/shopimind-sandbox';

/** What ShopiMind and a merchant's store look like to the system under test. */
export interface OutsideWorld {
  store: DemoStore;
  storeApiKey: string;
  sandbox: ShopimindSandbox;
  webhookSecret: string;
  credentialsKey: string;
  close(): Promise<void>;
}

export async function startOutsideWorld(
  productCount: number,
  options: { shopimindLatencyMs?: number; storeLatencyMs?: number } & Pick<
    DemoStoreOptions,
    'orderCount' | 'guestOrderEvery'
  > = {},
): Promise<OutsideWorld> {
  const storeApiKey = randomBytes(16).toString('hex');
  const store = await startDemoStore({
    productCount,
    orderCount: options.orderCount,
    guestOrderEvery: options.guestOrderEvery,
    latencyMs: options.storeLatencyMs,
    apiKey: storeApiKey,
  });
  const sandbox = await startShopimindSandbox({ latencyMs: options.shopimindLatencyMs });
  return {
    store,
    storeApiKey,
    sandbox,
    webhookSecret: randomBytes(24).toString('base64url'),
    credentialsKey: randomBytes(32).toString('hex'),
    close: async () => {
      await Promise.all([store.close(), sandbox.close()]);
    },
  };
}

/** The environment every service is given on top of its database and bus settings. */
export function serviceEnv(world: OutsideWorld): Record<string, string> {
  return {
    CREDENTIALS_KEY: world.credentialsKey,
    WEBHOOK_SECRET: world.webhookSecret,
    SHOPIMIND_API_URL: world.sandbox.url,
    // The demo store listens on loopback over plain http.
    ALLOW_PRIVATE_STORE_URLS: 'true',
    LOG_LEVEL: 'warn',
  };
}

/** The config map the merchant fills in ShopiMind's form (our config_schema keys), pointing at the demo store. */
export function storeConfigs(
  world: OutsideWorld,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    store_base_url: world.store.url,
    store_auth_method: 'api_key',
    store_api_token: world.storeApiKey,
    lang: 'fr',
    currency: 'EUR',
    ...overrides,
  };
}

/**
 * The merchant's ShopiMind install + activate, pointing at the demo store, with `configOverrides` filled in the form;
 * returns the installation id.
 */
export async function installAndActivate(
  world: OutsideWorld,
  gatewayUrl: string,
  configOverrides: Record<string, unknown> = {},
): Promise<string> {
  const { installationId } = world.sandbox.createInstallation({
    shopDomain: 'e2e-shop.example',
    shopName: 'E2E shop',
  });
  const configs = storeConfigs(world, configOverrides);
  const install = await world.sandbox.lifecycle.install(gatewayUrl, installationId, {
    secret: world.webhookSecret,
    configs,
  });
  expect(install).toEqual({ status: 200, body: { success: true } });
  const activate = await world.sandbox.lifecycle.activate(gatewayUrl, installationId, {
    secret: world.webhookSecret,
    configs,
  });
  expect(activate).toEqual({ status: 200, body: { success: true } });
  return installationId;
}

/** The ShopiMind product the demo store's product `index` must become (spec §9 product fields). */
export function expectedShopimindProduct(index: number, lang = 'fr'): Record<string, unknown> {
  const product = demoProduct(index);
  return {
    lang,
    currency: 'EUR',
    name: product.name,
    reference: product.sku,
    description: product.description,
    description_short: product.short_description,
    link: product.permalink,
    image_link: product.images[0] ?? null,
    // One id per category: the numbers come from the id mapping, so only their count is known here.
    category_ids: product.categories.map(() => expect.any(Number)),
    price: product.regular_price,
    price_discount: product.sale_price ?? null,
    quantity_remaining: product.stock_quantity,
    is_active: product.stock_status === 'in_stock',
    created_at: product.created_at,
    updated_at: product.updated_at,
  };
}
