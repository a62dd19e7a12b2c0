import { demoProduct, startDemoStore, type DemoStore } from '@storebridge/demo-store';
import { CategoriesRemoteDataProvider } from './categories-remote-data.provider';
import { configSpecOptions, storeConfigsFor } from './shopimind-config-spec.fake';

const API_KEY = 'demo_key';
const PRODUCT_COUNT = 150;

describe('CategoriesRemoteDataProvider', () => {
  let store: DemoStore;

  beforeAll(async () => {
    store = await startDemoStore({ productCount: PRODUCT_COUNT, apiKey: API_KEY });
  });

  afterAll(async () => {
    await store.close();
  });

  const provider = (allowPrivateStoreUrls = true) =>
    new CategoriesRemoteDataProvider(configSpecOptions(allowPrivateStoreUrls));
  const configs = (overrides: Record<string, unknown> = {}) => storeConfigsFor(store.url, API_KEY, overrides);

  it('serves the categories resource of the config schema', () => {
    expect(provider().resource).toBe('categories');
  });

  it('lists every distinct category of the store once, sorted, as {value, label}', async () => {
    const expected = [
      ...new Set(
        Array.from({ length: PRODUCT_COUNT }, (_, index) => demoProduct(index + 1).categories).flat(),
      ),
    ].sort();
    const options = await provider().load(configs());
    expect(options).toEqual(expected.map((name) => ({ value: name, label: name })));
    expect(options.length).toBeGreaterThan(1);
  });

  it('keeps the categories already excluded selectable, even when the store no longer shows them', async () => {
    const options = await provider().load(configs({ excluded_categories: ['Retired'] }));
    expect(options).toContainEqual({ value: 'Retired', label: 'Retired' });
  });

  it.each<[string, Record<string, unknown>]>([
    ['an invalid config', { store_base_url: 'not a url' }],
    ['a rejected credential', { store_api_token: 'wrong' }],
    ['a wrong products path', { products_path: '/nothing' }],
  ])('answers no options for %s', async (_label, overrides) => {
    await expect(provider().load(configs(overrides))).resolves.toEqual([]);
  });

  it('does not call a loopback store unless the gateway allows private store URLs', async () => {
    const before = store.stats.total;
    await expect(provider(false).load(configs())).resolves.toEqual([]);
    expect(store.stats.total).toBe(before);
  });
});
