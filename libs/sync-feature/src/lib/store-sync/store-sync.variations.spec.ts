import { Logger } from '@nestjs/common';
import type {
  NormalizedOrder,
  NormalizedProduct,
  OrdersChangedEvent,
  ProductsChangedEvent,
} from '@storebridge/contracts';
import { startDemoStore, type DemoStoreAuth, type DemoStoreOptions } from '@storebridge/demo-store';
import type { StoreAuth } from '@storebridge/store-client';
import { RecordingPublisher } from '@storebridge/messaging';
import type { SyncRunEntity } from '@storebridge/persistence';
import { aStoreSyncService, FakeStoreConnections, FakeSyncRuns, InMemoryMirror } from '../../test/fakes';
import { syncedOrders, syncedProducts } from '../synced-record-kinds';

const PRODUCTS = 23;
const ORDERS = 7;
const PER_PAGE = 10;

interface SyncOutcome {
  runs: SyncRunEntity[];
  products: NormalizedProduct[];
  orders: NormalizedOrder[];
}

/** The credential the merchant types in for a store that asks for `auth`. */
function credentialFor(auth: DemoStoreAuth): StoreAuth {
  switch (auth.method) {
    case 'api_key':
      return { method: 'api_key', token: auth.key };
    case 'bearer':
      return { method: 'bearer', token: auth.token };
    case 'basic':
      return { method: 'basic', username: auth.username, password: auth.password };
  }
}

/** One full sync (products, then orders) of a demo store started with `options`, with the engine's real crawl. */
async function syncDemoStore(options: DemoStoreOptions): Promise<SyncOutcome> {
  const auth: DemoStoreAuth = options.auth ?? { method: 'api_key', key: 'variation-key' };
  const store = await startDemoStore({ productCount: PRODUCTS, orderCount: ORDERS, ...options, auth });
  try {
    const connections = new FakeStoreConnections();
    const syncRuns = new FakeSyncRuns();
    const publisher = new RecordingPublisher<ProductsChangedEvent | OrdersChangedEvent>();
    const service = aStoreSyncService({
      connections,
      syncRuns,
      kinds: [
        syncedProducts(new InMemoryMirror<NormalizedProduct>(undefined, syncRuns), publisher),
        syncedOrders(new InMemoryMirror<NormalizedOrder>(undefined, syncRuns), publisher),
      ],
    });
    const view = connections.add({ baseUrl: store.url, auth: credentialFor(auth), perPage: PER_PAGE });

    await service.runFullSync({ connectionId: view.connection.id, trigger: 'activate' });

    const payloads = publisher.published.map((message) => message.payload);
    return {
      runs: [...syncRuns.runs.values()],
      products: payloads.flatMap((payload) => ('products' in payload ? payload.products : [])),
      orders: payloads.flatMap((payload) => ('orders' in payload ? payload.orders : [])),
    };
  } finally {
    await store.close();
  }
}

// generic-api spec §2-§6: however a store authenticates, pages, names fields, formats values or misbehaves
// transiently, the engine must end with the same normalized catalogue and orders.
describe('StoreSyncService against every demo store variation', () => {
  let reference: SyncOutcome;

  beforeAll(async () => {
    reference = await syncDemoStore({});
  });

  beforeEach(() => {
    // Retries and skipped values are logged as warnings: expected here.
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('syncs the canonical store completely (the reference for the variations)', () => {
    expect(reference.runs.map((run) => [run.entity, run.status, run.recordsValid])).toEqual([
      ['products', 'succeeded', PRODUCTS],
      ['orders', 'succeeded', ORDERS],
    ]);
    expect(reference.products).toHaveLength(PRODUCTS);
    expect(reference.orders).toHaveLength(ORDERS);
  });

  it.each<[string, DemoStoreOptions]>([
    ['Bearer auth', { auth: { method: 'bearer', token: 'bearer-token' } }],
    ['Basic auth', { auth: { method: 'basic', username: 'shop', password: 'p:ss w0rd' } }],
    ['bare JSON arrays instead of envelopes', { shape: 'array' }],
    ['alias field names', { fieldStyle: 'aliases' }],
    ['comma-separated categories and tags', { categoriesAsCsv: true }],
    ['currency-formatted price strings', { pricesAsStrings: true }],
    ['slow pages', { latencyMs: 150 }],
    ['429 answers with Retry-After', { rateLimit: { every: 3, retryAfterSeconds: 1 } }],
    ['5xx bursts', { failures: { every: 3, status: 503 } }],
    ['HTML error pages from a proxy', { failures: { every: 4, status: 502, html: true } }],
  ])(
    'ends with the reference products and orders for a store with %s',
    async (_label, options) => {
      const outcome = await syncDemoStore(options);

      expect(outcome.runs.map((run) => [run.entity, run.status, run.error])).toEqual([
        ['products', 'succeeded', null],
        ['orders', 'succeeded', null],
      ]);
      expect(outcome.products).toEqual(reference.products);
      expect(outcome.orders).toEqual(reference.orders);
    },
    30_000,
  );

  it('stops a store that ignores the page parameter at the repeat, without claiming its end or deleting', async () => {
    const outcome = await syncDemoStore({ ignorePageParam: true });

    expect(outcome.runs.map((run) => [run.entity, run.status])).toEqual([
      ['products', 'succeeded'],
      ['orders', 'succeeded'],
    ]);
    expect(outcome.runs[0]).toMatchObject({
      stopReason: 'repeated_page',
      endConfirmed: false,
      recordsDeleted: 0,
    });
    // Page 1 was published before the repetition showed; nothing was announced as deleted.
    expect(outcome.products).toEqual(reference.products.slice(0, PER_PAGE));
  });
});
