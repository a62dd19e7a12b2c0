import { demoOrder, demoProduct } from './demo-catalog';
import { DemoStore, startDemoStore } from './demo-store.server';

interface Envelope {
  data: Array<Record<string, unknown>>;
  meta: { current_page: number; per_page: number; total: number; last_page: number };
}

async function getJson(
  store: DemoStore,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${store.url}${path}`, {
    headers: { Accept: 'application/json', ...headers },
  });
  return { status: response.status, body: await response.json() };
}

async function getPage(
  store: DemoStore,
  path: string,
  headers: Record<string, string> = {},
): Promise<Envelope> {
  const { status, body } = await getJson(store, path, headers);
  expect(status).toBe(200);
  return body as Envelope;
}

describe('demo store server', () => {
  describe('with an API key', () => {
    let store: DemoStore;
    const headers = { 'X-API-Key': 'secret-key' };

    beforeAll(async () => {
      store = await startDemoStore({ productCount: 120, orderCount: 3, apiKey: 'secret-key' });
    });
    afterAll(async () => {
      await store.close();
    });

    it('listens on a random loopback port', () => {
      expect(store.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(store.port).toBeGreaterThan(0);
    });

    it.each([
      ['missing', {}],
      ['wrong', { 'X-API-Key': 'nope' }],
    ])('answers 401 to a %s key, health included', async (_label, badHeaders) => {
      for (const path of ['/health', '/api/products', '/api/orders']) {
        const { status, body } = await getJson(store, path, badHeaders);
        expect(status).toBe(401);
        expect(body).toEqual({ error: 'unauthorized' });
      }
    });

    it('answers the health check with a timestamp', async () => {
      const { status, body } = await getJson(store, '/health', headers);
      expect(status).toBe(200);
      expect(body).toEqual({ status: 'ok', timestamp: expect.any(String) });
      expect(Number.isNaN(Date.parse((body as { timestamp: string }).timestamp))).toBe(false);
    });

    it('serves the first page with the default page size', async () => {
      const page = await getPage(store, '/api/products', headers);
      expect(page.meta).toEqual({ current_page: 1, per_page: 50, total: 120, last_page: 3 });
      expect(page.data).toHaveLength(50);
      expect(page.data[0]).toEqual(demoProduct(1));
      expect(page.data[49]).toEqual(demoProduct(50));
    });

    it('serves a short last page and empty pages beyond it', async () => {
      const last = await getPage(store, '/api/products?page=3&per_page=50', headers);
      expect(last.data.map((p) => p['id'])).toEqual(Array.from({ length: 20 }, (_, k) => `prod_${101 + k}`));
      expect(last.meta.current_page).toBe(3);

      const beyond = await getPage(store, '/api/products?page=4&per_page=50', headers);
      expect(beyond.data).toEqual([]);
      expect(beyond.meta).toEqual({ current_page: 4, per_page: 50, total: 120, last_page: 3 });
    });

    it('clamps per_page to 100', async () => {
      const page = await getPage(store, '/api/products?per_page=500', headers);
      expect(page.meta.per_page).toBe(100);
      expect(page.meta.last_page).toBe(2);
      expect(page.data).toHaveLength(100);
    });

    it.each(['page=0', 'page=abc', 'page=1.5', 'per_page=0', 'per_page=-3'])(
      'rejects %s with 400',
      async (query) => {
        const { status, body } = await getJson(store, `/api/products?${query}`, headers);
        expect(status).toBe(400);
        expect(body).toEqual({ error: 'bad_request', message: expect.any(String) });
      },
    );

    it('serves orders whose items reference products of this store', async () => {
      const page = await getPage(store, '/api/orders', headers);
      expect(page.meta).toEqual({ current_page: 1, per_page: 50, total: 3, last_page: 1 });
      expect(page.data).toEqual([1, 2, 3].map((n) => demoOrder(n, 120)));
    });

    it('answers 404 JSON to an unknown path', async () => {
      const { status, body } = await getJson(store, '/api/customers', headers);
      expect(status).toBe(404);
      expect(body).toEqual({ error: 'not_found', message: expect.any(String) });
    });

    it('answers 405 to a write on a known path', async () => {
      const response = await fetch(`${store.url}/api/products`, { method: 'POST', headers });
      expect(response.status).toBe(405);
    });

    it('counts requests per path', async () => {
      store.stats.reset();
      await getPage(store, '/api/products?page=1', headers);
      await getPage(store, '/api/products?page=2', headers);
      await getJson(store, '/health');
      expect(store.stats.byPath).toEqual({ '/api/products': 2, '/health': 1 });
      expect(store.stats.byStatus).toEqual({ 200: 2, 401: 1 });
      expect(store.stats.total).toBe(3);
    });
  });

  describe('with custom paths, no auth and latency', () => {
    let store: DemoStore;

    beforeAll(async () => {
      store = await startDemoStore({
        productCount: 0,
        paths: { health: '/status', products: '/v2/items', orders: '/v2/sales' },
        latencyMs: 20,
      });
    });
    afterAll(async () => {
      await store.close();
    });

    it('serves the configured paths without a key', async () => {
      expect((await getJson(store, '/status')).status).toBe(200);
      expect((await getJson(store, '/health')).status).toBe(404);
    });

    it('reports one empty page for an empty catalogue', async () => {
      const page = await getPage(store, '/v2/items');
      expect(page).toEqual({ data: [], meta: { current_page: 1, per_page: 50, total: 0, last_page: 1 } });
    });

    it('delays every response by the configured latency', async () => {
      const started = performance.now();
      await getJson(store, '/status');
      expect(performance.now() - started).toBeGreaterThanOrEqual(15);
    });
  });

  it('generates a 100,000-product catalogue page by page', async () => {
    const store = await startDemoStore({ productCount: 100_000 });
    try {
      const page = await getPage(store, '/api/products?page=1000&per_page=100');
      expect(page.meta.last_page).toBe(1000);
      expect(page.data.at(-1)).toEqual(demoProduct(100_000));
    } finally {
      await store.close();
    }
  });

  it('serves guest orders without an email when asked', async () => {
    const store = await startDemoStore({ productCount: 10, orderCount: 4, guestOrderEvery: 2 });
    try {
      const page = await getPage(store, '/api/orders');
      expect(page.data).toEqual([1, 2, 3, 4].map((n) => demoOrder(n, 10, { guestOrderEvery: 2 })));
      expect(page.data.map((order) => Object.hasOwn(order as object, 'customer_email'))).toEqual([
        true,
        false,
        true,
        false,
      ]);
    } finally {
      await store.close();
    }
  });

  it('closes while a delayed response is pending', async () => {
    const store = await startDemoStore({ latencyMs: 60_000 });
    const pending = fetch(`${store.url}/health`).then(
      () => 'answered',
      () => 'dropped',
    );
    await expectEventually(() => store.stats.total === 1);
    await store.close();
    await expect(pending).resolves.toBe('dropped');
  });

  it('rejects invalid options', async () => {
    await expect(startDemoStore({ productCount: -1 })).rejects.toThrow(RangeError);
    await expect(startDemoStore({ guestOrderEvery: 1.5 })).rejects.toThrow(RangeError);
    await expect(startDemoStore({ paths: { products: 'api/products' } })).rejects.toThrow(RangeError);
    await expect(startDemoStore({ paths: { orders: '/api/products' } })).rejects.toThrow(RangeError);
  });
});

/** Resolves once `condition` holds, polling on the event loop (no fixed sleep). */
async function expectEventually(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error('condition not met in time');
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}
