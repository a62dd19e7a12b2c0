import { resolveStoreSettings, StoreConnectionInput } from '@storebridge/store-client';
import { FakeStoreHandler, FakeStoreServer, pagedStore } from '@storebridge/store-client/testing';
import { CategorySampleOptions, sampleStoreCategories, StoreCategorySample } from './store-categories';

const CATEGORY_CYCLE = ['Outdoor', 'home', 'Clothing', 'Home', 'Item 10', 'Item 9', 'Électronique'];

/** 250 products whose categories cycle through CATEGORY_CYCLE; product 201+ also carries "Late". */
const PRODUCTS = Array.from({ length: 250 }, (_, index) => ({
  id: `p${index + 1}`,
  name: `Product ${index + 1}`,
  categories: [CATEGORY_CYCLE[index % CATEGORY_CYCLE.length], ...(index >= 200 ? ['Late'] : [])],
}));

const productPages = (records: readonly unknown[]): FakeStoreHandler => {
  const paged = pagedStore(records, 'envelope');
  return (request) => (request.path === '/api/products' ? paged(request) : { status: 404, json: {} });
};

describe('sampleStoreCategories', () => {
  let server: FakeStoreServer;

  beforeEach(async () => {
    server = await FakeStoreServer.start(productPages(PRODUCTS));
  });

  afterEach(async () => {
    await server.close();
  });

  function sample(
    input: Partial<StoreConnectionInput> = {},
    options: Partial<CategorySampleOptions> = {},
  ): Promise<StoreCategorySample> {
    const settings = resolveStoreSettings({
      baseUrl: server.baseUrl,
      auth: { method: 'api_key', token: 'k' },
      ...input,
    });
    return sampleStoreCategories(settings, { allowPrivate: true, timeoutMs: 2_000, ...options });
  }

  it('returns the distinct categories of every page, sorted for a select', async () => {
    await expect(sample()).resolves.toEqual({
      ok: true,
      categories: ['Clothing', 'Électronique', 'Home', 'home', 'Item 9', 'Item 10', 'Late', 'Outdoor'],
      pagesRead: 3,
      complete: true,
    });
    expect(server.requests.map((request) => request.query.get('per_page'))).toEqual(['100', '100', '100']);
  });

  it('stops at its page budget and says the list may be incomplete', async () => {
    const result = await sample({}, { maxPages: 2 });
    expect(result).toMatchObject({ ok: true, pagesRead: 2, complete: false });
    expect(result.ok && result.categories).not.toContain('Late');
    expect(server.requests).toHaveLength(2);
  });

  it('reads categories through aliases, comma-separated strings and mappings, like the sync', async () => {
    server.respondWith(
      productPages([
        { id: '1', name: 'A', category: 'Sale, Gifts' },
        { id: '2', name: 'B', taxonomy: { main: 'Kitchen' } },
      ]),
    );
    await expect(sample()).resolves.toMatchObject({ categories: ['Gifts', 'Sale'] });
    await expect(
      sample({ fieldMappings: { products: { categories: 'taxonomy.main' } } }),
    ).resolves.toMatchObject({ categories: ['Kitchen'] });
  });

  it('ignores products the sync would skip', async () => {
    server.respondWith(
      productPages([
        { name: 'no id', categories: ['Ghost'] },
        { id: '1', name: 'A' },
      ]),
    );
    await expect(sample()).resolves.toMatchObject({ ok: true, categories: [], complete: true });
  });

  it('fails with the precise reason when the first page cannot be read', async () => {
    server.respondWith(() => ({ status: 401, json: {} }));
    await expect(sample()).resolves.toMatchObject({ ok: false, step: 'products', problem: 'unauthorized' });
  });

  it('keeps what it read when a later page fails', async () => {
    const paged = productPages(PRODUCTS);
    server.respondWith((request) =>
      request.query.get('page') === '2' ? { status: 500, json: {} } : paged(request),
    );
    await expect(sample()).resolves.toMatchObject({ ok: true, pagesRead: 1, complete: false });
  });

  it('keeps what it read when the deadline runs out', async () => {
    const paged = productPages(PRODUCTS);
    server.respondWith((request) => (request.query.get('page') === '2' ? { hang: true } : paged(request)));
    await expect(sample({}, { deadlineMs: 300 })).resolves.toMatchObject({
      ok: true,
      pagesRead: 1,
      complete: false,
    });
  });

  it('fails with a timeout when not even the first page arrives before the deadline', async () => {
    server.respondWith(() => ({ hang: true }));
    await expect(sample({}, { deadlineMs: 200 })).resolves.toMatchObject({
      ok: false,
      problem: 'timeout',
      message: 'The store did not return its first page of products within 200 ms.',
    });
  });

  it('refuses a private address before any request unless allowed', async () => {
    await expect(sample({}, { allowPrivate: false })).resolves.toMatchObject({
      ok: false,
      step: 'address',
      problem: 'not_https',
    });
    expect(server.requests).toEqual([]);
  });
});
