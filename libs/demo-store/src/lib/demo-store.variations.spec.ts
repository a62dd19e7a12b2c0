import { demoProduct } from './demo-catalog';
import { DemoStoreOptions } from './demo-store.config';
import { DemoStore, startDemoStore } from './demo-store.server';

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

async function get(store: DemoStore, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${store.url}${path}`, {
    headers: { Accept: 'application/json', ...headers },
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function getJson(
  store: DemoStore,
  path: string,
  headers: Record<string, string> = {},
): Promise<unknown> {
  const answer = await get(store, path, headers);
  expect(answer.status).toBe(200);
  return JSON.parse(answer.text) as unknown;
}

/** Starts a store for one test and always closes it. */
async function withStore(options: DemoStoreOptions, run: (store: DemoStore) => Promise<void>): Promise<void> {
  const store = await startDemoStore(options);
  try {
    await run(store);
  } finally {
    await store.close();
  }
}

const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('demo store variations', () => {
  describe.each<[string, DemoStoreOptions, Record<string, string>, Record<string, string>]>([
    ['api_key', { auth: { method: 'api_key', key: 'k-1' } }, { 'X-API-Key': 'k-1' }, { 'X-API-Key': 'k-2' }],
    ['apiKey shorthand', { apiKey: 'k-1' }, { 'X-API-Key': 'k-1' }, { Authorization: 'Bearer k-1' }],
    [
      'bearer',
      { auth: { method: 'bearer', token: 't-1' } },
      { Authorization: 'Bearer t-1' },
      { 'X-API-Key': 't-1' },
    ],
    [
      'basic',
      { auth: { method: 'basic', username: 'shop', password: 'p:ss' } },
      { Authorization: basic('shop', 'p:ss') },
      { Authorization: basic('shop', 'wrong') },
    ],
  ])('%s auth', (_label, options, good, bad) => {
    it('accepts the right credential and answers 401 without it or with a wrong one', async () => {
      await withStore({ ...options, productCount: 2 }, async (store) => {
        expect((await get(store, '/health', good)).status).toBe(200);
        expect((await get(store, '/api/products', good)).status).toBe(200);
        expect((await get(store, '/health')).status).toBe(401);
        expect((await get(store, '/api/products', bad)).status).toBe(401);
      });
    });
  });

  it('keeps config.apiKey for the api_key method only', async () => {
    await withStore({ auth: { method: 'bearer', token: 't' } }, async (store) => {
      expect(store.config.apiKey).toBeUndefined();
    });
    await withStore({ auth: { method: 'api_key', key: 'k' } }, async (store) => {
      expect(store.config.apiKey).toBe('k');
    });
  });

  it('serves bare arrays with the array shape', async () => {
    await withStore({ productCount: 3, shape: 'array' }, async (store) => {
      expect(await getJson(store, '/api/products?page=1&per_page=2')).toEqual([
        demoProduct(1),
        demoProduct(2),
      ]);
      expect(await getJson(store, '/api/products?page=2&per_page=2')).toEqual([demoProduct(3)]);
      expect(await getJson(store, '/api/products?page=3&per_page=2')).toEqual([]);
    });
  });

  it('serves the same products under spec aliases with the aliases field style', async () => {
    await withStore({ productCount: 1, shape: 'array', fieldStyle: 'aliases' }, async (store) => {
      const [record] = (await getJson(store, '/api/products')) as Array<Record<string, unknown>>;
      const product = demoProduct(1);
      expect(record).toMatchObject({
        product_id: product.id,
        title: product.name,
        selling_price: product.price,
        product_url: product.permalink,
        photos: product.images,
        availability: product.stock_status,
        inventory: product.stock_quantity,
        handle: product.slug,
      });
      for (const canonical of ['id', 'name', 'price', 'permalink', 'images', 'stock_status', 'slug']) {
        expect(record).not.toHaveProperty(canonical);
      }
    });
  });

  it('serves categories and tags as comma-separated strings', async () => {
    await withStore({ productCount: 1, shape: 'array', categoriesAsCsv: true }, async (store) => {
      const [record] = (await getJson(store, '/api/products')) as Array<Record<string, unknown>>;
      expect(record['categories']).toBe(demoProduct(1).categories.join(', '));
      expect(record['tags']).toBe(demoProduct(1).tags.join(', '));
    });
  });

  it('serves prices as currency-formatted strings', async () => {
    await withStore({ productCount: 2, shape: 'array', pricesAsStrings: true }, async (store) => {
      const records = (await getJson(store, '/api/products')) as Array<Record<string, unknown>>;
      const format = (amount: number): string => amount.toFixed(2);
      expect(records[0]['price']).toBe(`€${format(demoProduct(1).price)}`);
      expect(records[1]['regular_price']).toBe(`EUR ${format(demoProduct(2).regular_price)}`);
      // One currency for the whole store, as its currency field and its orders say.
      for (const record of records) {
        expect(record['currency']).toBe('EUR');
        expect(String(record['price'])).toMatch(/^(€|EUR )\d/);
      }
    });
  });

  it('always serves page 1 when it ignores the page parameter', async () => {
    await withStore({ productCount: 10, ignorePageParam: true }, async (store) => {
      const first = await getJson(store, '/api/products?page=1&per_page=3');
      const second = await getJson(store, '/api/products?page=2&per_page=3');
      expect(second).toEqual(first);
    });
  });

  it('answers every n-th request with 429 and Retry-After', async () => {
    await withStore({ rateLimit: { every: 3, retryAfterSeconds: 7 } }, async (store) => {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let k = 0; k < 6; k += 1) {
        const answer = await get(store, '/health');
        statuses.push(answer.status);
        retryAfter = answer.status === 429 ? answer.headers.get('retry-after') : retryAfter;
      }
      expect(statuses).toEqual([200, 200, 429, 200, 200, 429]);
      expect(retryAfter).toBe('7');
    });
  });

  it.each([
    [500, false, 'application/json'],
    [502, true, 'text/html'],
    [503, false, 'application/json'],
  ] as const)('answers every n-th request with %i (html: %p)', async (status, html, contentType) => {
    await withStore({ failures: { every: 2, status, html } }, async (store) => {
      expect((await get(store, '/health')).status).toBe(200);
      const failed = await get(store, '/health');
      expect(failed.status).toBe(status);
      expect(failed.headers.get('content-type')).toContain(contentType);
      if (html) {
        expect(failed.text).toMatch(/^<!DOCTYPE html>/);
      }
      expect((await get(store, '/health')).status).toBe(200);
    });
  });

  it('rejects invalid variation options', async () => {
    await expect(startDemoStore({ rateLimit: { every: 0, retryAfterSeconds: 1 } })).rejects.toThrow(
      RangeError,
    );
    await expect(startDemoStore({ failures: { every: -2, status: 500 } })).rejects.toThrow(RangeError);
    await expect(startDemoStore({ auth: { method: 'bearer', token: '' } })).rejects.toThrow(RangeError);
  });
});
