import { startDemoStore, type DemoStore } from '@storebridge/demo-store';
import { ConnectionTestService } from './connection-test.service';
import { configSpecOptions, storeConfigsFor } from './shopimind-config-spec.fake';

const API_KEY = 'demo_key_not_to_echo';

describe('ConnectionTestService', () => {
  let store: DemoStore;

  beforeAll(async () => {
    store = await startDemoStore({ productCount: 12, orderCount: 3, apiKey: API_KEY });
  });

  afterAll(async () => {
    await store.close();
  });

  const service = (allowPrivateStoreUrls = true) =>
    new ConnectionTestService(configSpecOptions(allowPrivateStoreUrls));
  // The demo store sells in EUR, like the form here says.
  const configs = (overrides: Record<string, unknown> = {}) =>
    storeConfigsFor(store.url, API_KEY, { lang: 'en', currency: 'EUR', ...overrides });

  it('succeeds against a store that answers health and products with the credential', async () => {
    await expect(service().test(configs())).resolves.toEqual({ success: true });
  });

  it("fails when the store's products are priced in another currency than the form's (issue #16)", async () => {
    await expect(service().test(configs({ currency: 'USD' }))).resolves.toEqual({
      success: false,
      error:
        "Your store's products are priced in EUR (their currency field or the marks of their prices say so), " +
        'but Currency is USD: set Currency to EUR.',
    });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'a wrong API key',
      { store_api_token: 'wrong_key' },
      /rejected the credential \(HTTP 401 on GET \/health\)/,
    ],
    ['a wrong health path', { health_path: '/status' }, /health endpoint path "\/status" does not exist/],
    [
      'a wrong products path',
      { products_path: '/api/items' },
      /products endpoint path "\/api\/items" does not exist/,
    ],
    [
      'a products path that lists orders',
      { products_path: '/api/orders' },
      /first product of GET \/api\/orders has no name \(looked for "name", "title", "product_name"\)/,
    ],
  ])('explains %s in words the merchant can act on', async (_label, overrides, reason) => {
    const response = await service().test(configs(overrides));
    expect(response).toEqual({ success: false, error: expect.stringMatching(reason) });
    expect(JSON.stringify(response)).not.toContain(API_KEY);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a missing base URL', { store_base_url: undefined }, 'store_base_url'],
    ['a token method without token', { store_api_token: '' }, 'store_api_token'],
    ['mappings that are not JSON', { product_field_mappings: '{name' }, 'product_field_mappings'],
    ['a missing currency, which has no default', { currency: '' }, 'currency is required'],
    ['a missing language, which has no default', { lang: undefined }, 'lang is required'],
  ])('answers a validation error for %s without calling the store', async (_label, overrides, field) => {
    const before = store.stats.total;
    const response = await service().test(configs(overrides));
    expect(response).toEqual({ success: false, error: expect.stringMatching(/^Invalid configuration: /) });
    expect(response.success ? '' : response.error).toContain(field);
    expect(store.stats.total).toBe(before);
  });

  it('refuses a loopback store unless the gateway allows private store URLs', async () => {
    const before = store.stats.total;
    const response = await service(false).test(configs());
    expect(response).toEqual({
      success: false,
      error: expect.stringMatching(/^store_base_url must use https/),
    });
    expect(store.stats.total).toBe(before);
  });
});
