import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import type { StoreConnectionView } from '@storebridge/connections';
import {
  Subjects,
  type NormalizedOrder,
  type NormalizedProduct,
  type OrdersChangedEvent,
  type PayloadOf,
  type ProductsChangedEvent,
  type Subject,
  type SyncRequestedEvent,
} from '@storebridge/contracts';
import { demoProduct, startDemoStore, type DemoStore } from '@storebridge/demo-store';
import type { StoreConnectionInput } from '@storebridge/store-client';
import { MessagePublisher, RetryLaterError, type PublishOptions } from '@storebridge/messaging';
import type { RecordKind, SyncRunEntity } from '@storebridge/persistence';
import {
  aStoreSyncService,
  aSyncRun,
  FakeAdvisoryLocks,
  FakeStoreConnections,
  FakeSyncRuns,
  InMemoryMirror,
} from '../../test/fakes';
import { syncedOrders, syncedProducts } from '../synced-record-kinds';
import { STORE_PAGES_IN_FLIGHT, StoreSyncService } from './store-sync.service';

const API_KEY = 'demo-key-123';

// ---------------------------------------------------------------------------------------------------------------
// In-memory fakes. `journal` is shared so tests can check the order of publishes and progress records.
// ---------------------------------------------------------------------------------------------------------------

type Journal = string[];

interface Published {
  subject: Subject;
  payload: ProductsChangedEvent;
  options?: PublishOptions;
}

class RecordingPublisher extends MessagePublisher {
  readonly published: Published[] = [];
  /** When set, `publish` rejects from the given page on, as a bus that is down would. */
  failFromPage?: number;

  constructor(private readonly journal: Journal) {
    super();
  }

  async publish<S extends Subject>(
    subject: S,
    payload: PayloadOf<S>,
    options?: PublishOptions,
  ): Promise<void> {
    const event = payload as ProductsChangedEvent;
    if (this.failFromPage !== undefined && event.page >= this.failFromPage) {
      throw new Error('bus unavailable');
    }
    this.journal.push(
      event.deletedIds.length > 0 ? `publish:deleted:${event.deletedIds.length}` : `publish:${event.page}`,
    );
    this.published.push({ subject, payload: event, ...(options ? { options } : {}) });
  }

  productIds(): string[] {
    return this.published.flatMap((message) => message.payload.products.map((product) => product.id));
  }
}

/** A connection to the demo store with its API key, in pages of 10. */
function demoStoreConnection(
  connections: FakeStoreConnections,
  store: DemoStore,
  overrides: Partial<StoreConnectionInput>,
): StoreConnectionView {
  return connections.add({
    baseUrl: store.url,
    auth: { method: 'api_key', token: API_KEY },
    perPage: 10,
    ...overrides,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// A hand-written store for what the demo store cannot do: invalid records, a failing page.
// ---------------------------------------------------------------------------------------------------------------

interface StubReply {
  status?: number;
  contentType?: string;
  body: string;
}

interface StubStore {
  url: string;
  requestedPages: number[];
  close(): Promise<void>;
}

async function startStubStore(reply: (page: number) => StubReply): Promise<StubStore> {
  const requestedPages: number[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub.local');
    const page = Number(url.searchParams.get('page') ?? '1');
    requestedPages.push(page);
    const { status = 200, contentType = 'application/json', body } = reply(page);
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requestedPages,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function envelope(page: number, lastPage: number, data: unknown[]): StubReply {
  return {
    body: JSON.stringify({ data, meta: { current_page: page, last_page: lastPage } }),
  };
}

interface CatalogStore extends StubStore {
  /** What the store sells now; edit it between syncs. */
  catalog: Array<Record<string, unknown>>;
  /** When set, this page answers with a non-JSON body, as a store in maintenance would. */
  brokenPage?: number;
  /** When set, the `last_page` every page claims, true or not. */
  claimedLastPage?: number;
}

/** A store whose catalogue a test can change between two syncs. */
async function startCatalogStore(
  catalog: Array<Record<string, unknown>>,
  perPage: number,
): Promise<CatalogStore> {
  const state: { catalog: Array<Record<string, unknown>>; brokenPage?: number; claimedLastPage?: number } = {
    catalog,
  };
  const stub = await startStubStore((page) => {
    if (page === state.brokenPage) {
      return { contentType: 'text/html', body: '<html>maintenance</html>' };
    }
    const lastPage = state.claimedLastPage ?? Math.max(1, Math.ceil(state.catalog.length / perPage));
    return envelope(page, lastPage, state.catalog.slice((page - 1) * perPage, page * perPage));
  });
  return Object.assign(state, {
    url: stub.url,
    requestedPages: stub.requestedPages,
    close: () => stub.close(),
  });
}

function catalogProduct(id: string, price = 10): Record<string, unknown> {
  return { id, name: `Product ${id}`, price, permalink: `https://shop.test/p/${id}` };
}

// ---------------------------------------------------------------------------------------------------------------

describe('StoreSyncService.runFullSync on products', () => {
  let journal: Journal;
  let connections: FakeStoreConnections;
  let syncRuns: FakeSyncRuns;
  let publisher: RecordingPublisher;
  let storeProducts: InMemoryMirror<NormalizedProduct>;
  let locks: FakeAdvisoryLocks;
  let service: StoreSyncService;
  let store: DemoStore;
  let warnings: jest.SpyInstance;

  beforeAll(async () => {
    store = await startDemoStore({ productCount: 25, apiKey: API_KEY });
  });

  afterAll(async () => {
    await store.close();
  });

  beforeEach(() => {
    // Nest's logger would print every expected warning; the spy also lets tests check what was said.
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    store.stats.reset();
    journal = [];
    connections = new FakeStoreConnections();
    syncRuns = new FakeSyncRuns(journal);
    publisher = new RecordingPublisher(journal);
    storeProducts = new InMemoryMirror<NormalizedProduct>(journal, syncRuns);
    locks = new FakeAdvisoryLocks();
    service = aStoreSyncService({
      connections,
      syncRuns,
      // Products only: the orders crawl has its own tests below.
      kinds: [syncedProducts(storeProducts, publisher)],
      locks,
      // Progress after every page, so the journal shows each write; the default interval has its own test.
      options: { progressIntervalMs: 0 },
    });
  });

  it('refuses to crawl a private store address when private URLs are not allowed', async () => {
    const refusing = aStoreSyncService({
      connections,
      syncRuns,
      kinds: [syncedProducts(storeProducts, publisher)],
      options: { allowPrivateStoreUrls: false },
    });

    await refusing.runFullSync(request(demoConnection()));

    expect(syncRuns.only()).toMatchObject({ status: 'failed', error: expect.stringMatching(/https/) });
    expect(publisher.published).toEqual([]);
    expect(store.stats.total).toBe(0);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  const demoConnection = (overrides: Partial<StoreConnectionInput> = {}): StoreConnectionView =>
    demoStoreConnection(connections, store, overrides);

  function request(
    view: StoreConnectionView,
    trigger: SyncRequestedEvent['trigger'] = 'manual',
  ): SyncRequestedEvent {
    return { connectionId: view.connection.id, trigger };
  }

  it('publishes every product of the store exactly once, one message per page', async () => {
    const view = demoConnection();

    await service.runFullSync(request(view, 'activate'));

    const run = syncRuns.only();
    expect(syncRuns.starts).toEqual([
      { connectionId: view.connection.id, entity: 'products', trigger: 'activate' },
    ]);
    expect(publisher.published.map((message) => message.subject)).toEqual([
      Subjects.productsChanged,
      Subjects.productsChanged,
      Subjects.productsChanged,
    ]);
    expect(publisher.published.map((message) => message.options)).toEqual([
      { messageId: `${run.id}:products:1` },
      { messageId: `${run.id}:products:2` },
      { messageId: `${run.id}:products:3` },
    ]);
    expect(publisher.published.map(({ payload }) => [payload.page, payload.products.length])).toEqual([
      [1, 10],
      [2, 10],
      [3, 5],
    ]);
    for (const { payload } of publisher.published) {
      expect(payload.connectionId).toBe(view.connection.id);
      expect(payload.syncRunId).toBe(run.id);
      expect(payload.deletedIds).toEqual([]);
    }
    const expectedIds = Array.from({ length: 25 }, (_, index) => `prod_${index + 1}`);
    expect(publisher.productIds()).toEqual(expectedIds);
    // Three pages, then the envelope's last_page stops the crawl: no extra request.
    expect(store.stats.byPath['/api/products']).toBe(3);
  });

  it('publishes normalized products, not the raw store records', async () => {
    await service.runFullSync(request(demoConnection()));

    const raw = demoProduct(7);
    const product = publisher.published[0].payload.products[6];
    expect(product).toMatchObject({
      id: raw.id,
      name: raw.name,
      sku: raw.sku,
      price: raw.price,
      regularPrice: raw.regular_price,
      stockQuantity: raw.stock_quantity,
      stockStatus: raw.stock_status,
      categories: raw.categories,
      images: raw.images,
      url: raw.permalink,
      createdAt: raw.created_at,
    });
    expect(product).not.toHaveProperty('short_description');
    expect(product).not.toHaveProperty('permalink');
  });

  it('finishes the run as succeeded with its counts', async () => {
    await service.runFullSync(request(demoConnection()));

    expect(syncRuns.only()).toMatchObject({
      status: 'succeeded',
      error: null,
      nextPage: 4,
      pagesFetched: 3,
      recordsSeen: 25,
      recordsValid: 25,
      recordsChanged: 25,
      recordsSkipped: 0,
    });
    expect(syncRuns.only().finishedAt).toBeInstanceOf(Date);
  });

  it('records each page only after it was published, so a resumed crawl never loses a page', async () => {
    await service.runFullSync(request(demoConnection()));

    expect(journal).toEqual([
      'start',
      'mirror:10',
      'publish:1',
      'record:2',
      'mirror:10',
      'publish:2',
      'record:3',
      'mirror:5',
      'publish:3',
      'record:4',
      // How the crawl ended.
      'record:4',
      'finish:succeeded',
    ]);
  });

  it('mirrors every normalized product of the connection, exactly as it publishes it', async () => {
    const view = demoConnection();

    await service.runFullSync(request(view));

    const published = publisher.published.flatMap(({ payload }) => payload.products);
    expect(published).toHaveLength(25);
    expect(storeProducts.rows.size).toBe(25);
    for (const product of published) {
      expect(storeProducts.record(view.connection.id, product.id)).toEqual(product);
    }
  });

  it('publishes nothing and leaves the run resumable when the mirror cannot be written', async () => {
    storeProducts.failNext = true;
    const view = demoConnection();

    await expect(service.runFullSync(request(view))).rejects.toThrow('database unavailable');

    expect(publisher.published).toEqual([]);
    expect(syncRuns.only()).toMatchObject({ status: 'running', nextPage: 1 });

    await service.runFullSync(request(view));

    expect(syncRuns.only()).toMatchObject({ status: 'succeeded' });
    expect(storeProducts.rows.size).toBe(25);
  });

  it("uses the connection's endpoint paths and field mappings", async () => {
    const custom = await startDemoStore({ productCount: 3, paths: { products: '/shop/v2/items' } });
    try {
      const view = connections.add({
        baseUrl: custom.url,
        auth: { method: 'bearer', token: 'unused-by-this-store' },
        paths: { products: '/shop/v2/items' },
        fieldMappings: { products: { name: 'sku' } },
      });

      await service.runFullSync(request(view));

      expect(custom.stats.byPath['/shop/v2/items']).toBe(1);
      expect(publisher.published[0].payload.products.map((product) => product.name)).toEqual([
        'DS-000001',
        'DS-000002',
        'DS-000003',
      ]);
      expect(syncRuns.only().status).toBe('succeeded');
    } finally {
      await custom.close();
    }
  });

  it('does nothing for an unknown connection', async () => {
    const connectionId = randomUUID();

    await service.runFullSync({ connectionId, trigger: 'schedule' });

    expect(connections.lookups).toEqual([connectionId]);
    expect(publisher.published).toEqual([]);
    expect(syncRuns.runs.size).toBe(0);
    expect(journal).toEqual([]);
    expect(store.stats.total).toBe(0);
    expect(warnings).toHaveBeenCalledWith(expect.stringContaining(connectionId));
  });

  it('resumes a running run at its next page instead of starting another one', async () => {
    const view = demoConnection();
    const resumable = syncRuns.seed(
      aSyncRun({
        connectionId: view.connection.id,
        trigger: 'schedule',
        nextPage: 3,
        pagesFetched: 2,
        recordsSeen: 20,
        recordsValid: 20,
        recordsChanged: 20,
      }),
    );

    await service.runFullSync(request(view, 'manual'));

    expect(syncRuns.starts).toEqual([]);
    // Page 3, and page 4 asked for with it (STORE_PAGES_IN_FLIGHT), before page 3 said it was the last.
    expect(store.stats.byPath['/api/products']).toBe(STORE_PAGES_IN_FLIGHT);
    expect(publisher.published).toHaveLength(1);
    expect(publisher.published[0].options).toEqual({ messageId: `${resumable.id}:products:3` });
    expect(publisher.published[0].payload.syncRunId).toBe(resumable.id);
    expect(publisher.productIds()).toEqual(['prod_21', 'prod_22', 'prod_23', 'prod_24', 'prod_25']);
    expect(syncRuns.only()).toMatchObject({
      id: resumable.id,
      status: 'succeeded',
      nextPage: 4,
      pagesFetched: 3,
      recordsSeen: 25,
      recordsValid: 25,
    });
  });

  it('ignores finished runs and runs of other entities or connections when looking for one to resume', async () => {
    const view = demoConnection();
    const other = demoConnection();
    syncRuns.seed(aSyncRun({ connectionId: view.connection.id, status: 'failed', nextPage: 3 }));
    syncRuns.seed(aSyncRun({ connectionId: view.connection.id, entity: 'orders', nextPage: 3 }));
    syncRuns.seed(aSyncRun({ connectionId: other.connection.id, nextPage: 3 }));

    await service.runFullSync(request(view));

    expect(syncRuns.starts).toHaveLength(1);
    expect(publisher.productIds()).toHaveLength(25);
  });

  it('fails the run without throwing when the store rejects the credential', async () => {
    const view = demoConnection({ auth: { method: 'api_key', token: 'wrong-key' } });

    await expect(service.runFullSync(request(view))).resolves.toBeUndefined();

    const run = syncRuns.only();
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/401/);
    expect(run.error).not.toContain('wrong-key');
    expect(run.pagesFetched).toBe(0);
    expect(publisher.published).toEqual([]);
    // Pages 1 and 2 were asked for together; neither is retried.
    expect(store.stats.byStatus[401]).toBe(STORE_PAGES_IN_FLIGHT);
  });

  it(
    'fails the run without throwing when the store is down',
    async () => {
      const stopped = await startDemoStore({ productCount: 5 });
      const baseUrl = stopped.url;
      await stopped.close();
      const view = connections.add({ baseUrl, auth: { method: 'api_key', token: API_KEY } });

      await expect(service.runFullSync(request(view))).resolves.toBeUndefined();

      const run = syncRuns.only();
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/connection refused|ECONNREFUSED/);
      expect(publisher.published).toEqual([]);
    },
    // The client retries a refused connection three times with backoff (about 2-4 s in all).
    20_000,
  );

  it('records the pages crawled before a failing page, then fails the run', async () => {
    const stub = await startStubStore((page) =>
      page === 1
        ? envelope(1, 3, [
            { id: 'a', name: 'A' },
            { id: 'b', name: 'B' },
          ])
        : { status: 200, contentType: 'text/html', body: '<html>maintenance</html>' },
    );
    try {
      const view = connections.add({
        baseUrl: stub.url,
        auth: { method: 'api_key', token: API_KEY },
        perPage: 2,
      });

      await service.runFullSync(request(view));

      expect(stub.requestedPages).toEqual([1, 2]);
      expect(publisher.productIds()).toEqual(['a', 'b']);
      expect(syncRuns.only()).toMatchObject({ status: 'failed', nextPage: 2, pagesFetched: 1 });
      expect(syncRuns.only().error).toMatch(/not JSON/);
      expect(journal).toEqual(['start', 'mirror:2', 'publish:1', 'record:2', 'finish:failed']);
    } finally {
      await stub.close();
    }
  });

  it('writes its progress at most every interval: at the end, or up to the page before a failure', async () => {
    const buffering = aStoreSyncService({
      connections,
      syncRuns,
      kinds: [syncedProducts(storeProducts, publisher)],
      options: { progressIntervalMs: 60_000 },
    });
    const view = demoConnection();

    await buffering.runFullSync(request(view));
    publisher.failFromPage = 2;
    // A re-activation publishes every product again.
    await expect(buffering.runFullSync(request(view, 'activate'))).rejects.toThrow('bus unavailable');

    expect(journal).toEqual([
      ...['start', 'mirror:10', 'publish:1', 'mirror:10', 'publish:2', 'mirror:5', 'publish:3'],
      ...['record:4', 'record:4', 'finish:succeeded'],
      ...['start', 'mirror:10', 'publish:1', 'mirror:10', 'record:2'],
    ]);
    const [finished, interrupted] = [...syncRuns.runs.values()];
    expect(finished).toMatchObject({ status: 'succeeded', pagesFetched: 3, recordsSeen: 25 });
    expect(interrupted).toMatchObject({ status: 'running', nextPage: 2, pagesFetched: 1, recordsSeen: 10 });
  });

  it('leaves the run resumable and throws, for redelivery, when a page cannot be published', async () => {
    publisher.failFromPage = 2;
    const view = demoConnection();

    await expect(service.runFullSync(request(view))).rejects.toThrow('bus unavailable');

    expect(syncRuns.only()).toMatchObject({ status: 'running', nextPage: 2 });
    expect(journal).toEqual(['start', 'mirror:10', 'publish:1', 'record:2', 'mirror:10']);

    publisher.failFromPage = undefined;
    await service.runFullSync(request(view));

    expect(syncRuns.only()).toMatchObject({ status: 'succeeded' });
    expect(new Set(publisher.productIds()).size).toBe(publisher.productIds().length);
  });

  it('counts invalid records as skipped, publishes the valid ones', async () => {
    const stub = await startStubStore((page) =>
      page === 1
        ? envelope(1, 2, [
            { id: 'a', name: 'Alpha', permalink: 'https://shop.test/p/a' },
            { name: 'No id' },
            { id: 'c', slug: 'no-name' },
            'not an object',
            { id: 42, title: 'Numeric id', slug: 'numeric' },
          ])
        : envelope(2, 2, [{ name: 'Orphan without id' }]),
    );
    try {
      const view = connections.add({
        baseUrl: stub.url,
        auth: { method: 'api_key', token: API_KEY },
        perPage: 5,
      });

      await service.runFullSync(request(view));

      // The page of invalid records only is not published, but still recorded as crawled.
      expect(publisher.published.map(({ payload }) => payload.page)).toEqual([1]);
      expect(publisher.productIds()).toEqual(['a', '42']);
      expect(publisher.published[0].payload.products[1]).toMatchObject({
        name: 'Numeric id',
        url: `${stub.url}/product/numeric`,
      });
      expect(syncRuns.only()).toMatchObject({
        status: 'succeeded',
        nextPage: 3,
        pagesFetched: 2,
        recordsSeen: 6,
        recordsValid: 2,
        recordsChanged: 2,
        recordsSkipped: 4,
      });
      expect(syncRuns.only().warnings).toEqual({
        skipped_missing_id: 2,
        skipped_missing_name: 1,
        skipped_not_an_object: 1,
      });
    } finally {
      await stub.close();
    }
  });

  it('counts value warnings of valid products on the run', async () => {
    const stub = await startStubStore(() =>
      envelope(1, 1, [
        { id: 'a', name: 'A', price: 'call us' },
        { id: 'b', name: 'B', price: '12.50' },
      ]),
    );
    try {
      const view = connections.add({ baseUrl: stub.url, auth: { method: 'api_key', token: API_KEY } });

      await service.runFullSync(request(view));

      expect(publisher.productIds()).toEqual(['a', 'b']);
      expect(syncRuns.only().recordsSkipped).toBe(0);
      expect(syncRuns.only().warnings).toEqual({ unparseable_price: 1, missing_product_url: 2 });
    } finally {
      await stub.close();
    }
  });

  it('crawls a bare-array store capping per_page below the request whole, and deletes nothing it has', async () => {
    const state = { catalog: Array.from({ length: 61 }, (_, index) => catalogProduct(`p${index + 10}`)) };
    const stub = await startStubStore((page) => ({
      body: JSON.stringify(state.catalog.slice((page - 1) * 25, page * 25)),
    }));
    try {
      const view = connections.add({
        baseUrl: stub.url,
        auth: { method: 'api_key', token: API_KEY },
        perPage: 50,
      });
      await service.runFullSync(request(view));
      expect(publisher.productIds()).toHaveLength(61);

      state.catalog.push(catalogProduct('p99'));
      await service.runFullSync(request(view));

      expect(publisher.published.flatMap(({ payload }) => payload.deletedIds)).toEqual([]);
      expect(storeProducts.ids(view.connection.id)).toHaveLength(62);
      expect([...syncRuns.runs.values()].at(-1)).toMatchObject({
        stopReason: 'short_page',
        endConfirmed: true,
        recordsValid: 62,
      });
    } finally {
      await stub.close();
    }
  });

  it('deletes nothing after a crawl whose end is not proven (a page served again)', async () => {
    const catalog = ['a', 'b', 'c', 'd', 'e'].map((id) => catalogProduct(id));
    const state = { ignorePage: false };
    const stub = await startStubStore((page) => {
      const served = state.ignorePage ? 1 : page;
      return { body: JSON.stringify(catalog.slice((served - 1) * 2, served * 2)) };
    });
    try {
      const view = connections.add({
        baseUrl: stub.url,
        auth: { method: 'api_key', token: API_KEY },
        perPage: 2,
      });
      await service.runFullSync(request(view));
      state.ignorePage = true;

      await service.runFullSync(request(view));

      expect(publisher.published.flatMap(({ payload }) => payload.deletedIds)).toEqual([]);
      expect(storeProducts.ids(view.connection.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect([...syncRuns.runs.values()].at(-1)).toMatchObject({
        status: 'succeeded',
        stopReason: 'repeated_page',
        endConfirmed: false,
      });
    } finally {
      await stub.close();
    }
  });

  describe('change detection and deletions', () => {
    let catalogStore: CatalogStore;

    afterEach(async () => {
      await catalogStore.close();
    });

    async function catalogConnection(
      catalog: Array<Record<string, unknown>>,
      perPage = 2,
    ): Promise<StoreConnectionView> {
      catalogStore = await startCatalogStore(catalog, perPage);
      return connections.add({
        baseUrl: catalogStore.url,
        auth: { method: 'api_key', token: API_KEY },
        perPage,
      });
    }

    function lastRun(): SyncRunEntity {
      const runs = [...syncRuns.runs.values()];
      return runs[runs.length - 1];
    }

    it.each<SyncRequestedEvent['trigger']>(['activate', 'config_updated'])(
      'publishes every product again after %s, changed or not (language and currency live on the connection)',
      async (trigger) => {
        const view = await catalogConnection([catalogProduct('a'), catalogProduct('b')]);
        await service.runFullSync(request(view));
        publisher.published.length = 0;

        await service.runFullSync(request(view, trigger));

        expect(publisher.productIds().sort()).toEqual(['a', 'b']);
        // Not even a page known unchanged is left out.
        expect(storeProducts.unchangedPages).toEqual([]);
      },
    );

    it('publishes nothing when a re-sync finds the store unchanged', async () => {
      const view = await catalogConnection([catalogProduct('a'), catalogProduct('b'), catalogProduct('c')]);
      await service.runFullSync(request(view));
      publisher.published.length = 0;

      await service.runFullSync(request(view));

      expect(publisher.published).toEqual([]);
      expect(lastRun()).toMatchObject({
        status: 'succeeded',
        recordsValid: 3,
        recordsChanged: 0,
        recordsDeleted: 0,
      });
      expect(storeProducts.ids(view.connection.id)).toEqual(['a', 'b', 'c']);
    });

    it('publishes and mirrors only the product that changed since the last sync', async () => {
      const view = await catalogConnection([catalogProduct('a'), catalogProduct('b'), catalogProduct('c')]);
      await service.runFullSync(request(view));
      publisher.published.length = 0;
      catalogStore.catalog[1] = catalogProduct('b', 12.5);

      await service.runFullSync(request(view));

      expect(publisher.published).toHaveLength(1);
      expect(publisher.published[0].payload).toMatchObject({ page: 1, deletedIds: [] });
      expect(publisher.published[0].payload.products).toEqual([
        expect.objectContaining({ id: 'b', price: 12.5 }),
      ]);
      expect(storeProducts.record(view.connection.id, 'b')?.price).toBe(12.5);
      expect(lastRun()).toMatchObject({ status: 'succeeded', recordsValid: 3, recordsChanged: 1 });
    });

    it("mirrors the store's own record of each changed product, for merging webhook updates", async () => {
      const view = await catalogConnection([catalogProduct('a'), { ...catalogProduct('b'), colour: 'red' }]);

      await service.runFullSync(request(view));

      expect(storeProducts.raw(view.connection.id, 'a')).toEqual(catalogProduct('a'));
      expect(storeProducts.raw(view.connection.id, 'b')).toEqual({ ...catalogProduct('b'), colour: 'red' });
    });

    it('emits the products gone from the store as deleted once a crawl completes', async () => {
      const view = await catalogConnection([catalogProduct('a'), catalogProduct('b'), catalogProduct('c')]);
      await service.runFullSync(request(view));
      publisher.published.length = 0;
      journal.length = 0;
      catalogStore.catalog.splice(1, 1);

      await service.runFullSync(request(view));

      const run = lastRun();
      expect(publisher.published).toEqual([
        {
          subject: Subjects.productsChanged,
          payload: {
            connectionId: view.connection.id,
            syncRunId: run.id,
            page: 2,
            products: [],
            deletedIds: ['b'],
          },
          options: { messageId: `${run.id}:products:deleted:0` },
        },
      ]);
      expect(storeProducts.ids(view.connection.id)).toEqual(['a', 'c']);
      expect(run).toMatchObject({ status: 'succeeded', recordsDeleted: 1, pagesFetched: 1, nextPage: 2 });
      // Published before the mirror forgets them: a redelivery after a bus failure finds the same ids.
      expect(journal).toEqual([
        'start',
        'record:2',
        'publish:deleted:1',
        'delete:1',
        'record:2',
        'finish:succeeded',
      ]);
    });

    it('records each skipped product with its page and index on the run', async () => {
      const view = await catalogConnection([
        catalogProduct('a'),
        { name: 'no id' },
        { id: 'x', price: 3 },
        catalogProduct('b'),
      ]);

      await service.runFullSync(request(view));

      expect(lastRun()).toMatchObject({
        recordsSkipped: 2,
        skippedRecords: [
          { page: 1, index: 1, reason: 'missing_id' },
          { page: 2, index: 0, reason: 'missing_name', id: 'x' },
        ],
      });
    });

    it('deletes nothing after a crawl that failed', async () => {
      const view = await catalogConnection([
        catalogProduct('a'),
        catalogProduct('b'),
        catalogProduct('c'),
        catalogProduct('d'),
      ]);
      await service.runFullSync(request(view));
      publisher.published.length = 0;
      catalogStore.catalog.splice(0, 1);
      catalogStore.brokenPage = 2;

      await service.runFullSync(request(view));

      expect(lastRun()).toMatchObject({ status: 'failed', recordsDeleted: 0 });
      expect(publisher.published.flatMap(({ payload }) => payload.deletedIds)).toEqual([]);
      expect(storeProducts.ids(view.connection.id)).toEqual(['a', 'b', 'c', 'd']);
    });

    it('holds the deletion of an unusual share of the catalogue until the next complete crawl confirms it', async () => {
      const view = await catalogConnection(['a', 'b', 'c', 'd', 'e'].map((id) => catalogProduct(id)));
      await service.runFullSync(request(view));
      publisher.published.length = 0;
      // A flapping store: three of five gone at once, one of them back on the next crawl.
      catalogStore.catalog.splice(1, 3);

      await service.runFullSync(request(view));

      expect(publisher.published).toEqual([]);
      expect(storeProducts.ids(view.connection.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(lastRun()).toMatchObject({ status: 'succeeded', recordsDeleted: 0, deletionsHeld: 3 });

      catalogStore.catalog.push(catalogProduct('c'));
      await service.runFullSync(request(view));

      expect(publisher.published.flatMap(({ payload }) => payload.deletedIds)).toEqual(['b', 'd']);
      expect(storeProducts.ids(view.connection.id)).toEqual(['a', 'c', 'e']);
      expect(lastRun()).toMatchObject({ status: 'succeeded', recordsDeleted: 2, deletionsHeld: 0 });
    });

    it('deletes at once what a complete crawl misses when it is a usual share', async () => {
      const view = await catalogConnection(['a', 'b', 'c', 'd', 'e', 'f'].map((id) => catalogProduct(id)));
      await service.runFullSync(request(view));
      publisher.published.length = 0;
      catalogStore.catalog.splice(1, 1);

      await service.runFullSync(request(view));

      expect(publisher.published.flatMap(({ payload }) => payload.deletedIds)).toEqual(['b']);
      expect(lastRun()).toMatchObject({ recordsDeleted: 1, deletionsHeld: 0 });
    });

    it('deletes nothing when a store answers an empty catalogue once', async () => {
      const view = await catalogConnection(['a', 'b', 'c'].map((id) => catalogProduct(id)));
      await service.runFullSync(request(view));
      publisher.published.length = 0;
      const catalog = [...catalogStore.catalog];
      catalogStore.catalog.length = 0;

      await service.runFullSync(request(view));
      catalogStore.catalog.push(...catalog);
      await service.runFullSync(request(view));

      expect(publisher.published.flatMap(({ payload }) => payload.deletedIds)).toEqual([]);
      expect(storeProducts.ids(view.connection.id)).toEqual(['a', 'b', 'c']);
    });

    it('holds the deletions of a store whose last_page says less than it has', async () => {
      const ids = Array.from({ length: 30 }, (_, index) => `p${String(index).padStart(2, '0')}`);
      const view = await catalogConnection(
        ids.map((id) => catalogProduct(id)),
        10,
      );
      await service.runFullSync(request(view));
      publisher.published.length = 0;
      catalogStore.claimedLastPage = 1;

      await service.runFullSync(request(view));

      expect(publisher.published.flatMap(({ payload }) => payload.deletedIds)).toEqual([]);
      expect(storeProducts.ids(view.connection.id)).toHaveLength(30);
      expect(lastRun()).toMatchObject({ stopReason: 'last_page', endConfirmed: true, deletionsHeld: 20 });
    });

    it('emits deleted ids 500 per message', async () => {
      const ids = Array.from({ length: 501 }, (_, index) => `p${String(index).padStart(3, '0')}`);
      const view = await catalogConnection(
        ids.map((id) => catalogProduct(id)),
        100,
      );
      await service.runFullSync(request(view));
      catalogStore.catalog.length = 0;
      // Held by the first crawl without them, deleted by the second.
      await service.runFullSync(request(view));
      publisher.published.length = 0;

      await service.runFullSync(request(view));

      const run = lastRun();
      expect(publisher.published.map(({ options }) => options?.messageId)).toEqual([
        `${run.id}:products:deleted:0`,
        `${run.id}:products:deleted:1`,
      ]);
      expect(publisher.published.flatMap(({ payload }) => payload.deletedIds)).toEqual(ids);
      expect(publisher.published[0].payload.deletedIds).toHaveLength(500);
      expect(storeProducts.ids(view.connection.id)).toEqual([]);
      expect(run).toMatchObject({ status: 'succeeded', recordsDeleted: 501 });
    });

    describe('pages unchanged since the last crawl', () => {
      const catalog = (): Array<Record<string, unknown>> => [
        catalogProduct('a'),
        { name: 'no id, skipped' },
        { ...catalogProduct('b'), price: 'call us' },
        catalogProduct('c'),
        catalogProduct('d'),
      ];

      function counts(run: SyncRunEntity): Partial<SyncRunEntity> {
        const { pagesFetched, recordsSeen, recordsValid, recordsSkipped, warnings } = run;
        return { pagesFetched, recordsSeen, recordsValid, recordsSkipped, warnings };
      }

      it('takes a page whose body is the same for unchanged, without normalizing it, and counts it as before', async () => {
        const view = await catalogConnection(catalog());
        await service.runFullSync(request(view));
        const first = counts(lastRun());
        publisher.published.length = 0;
        const normalize = jest.spyOn(service as unknown as { normalize: () => unknown }, 'normalize');

        await service.runFullSync(request(view));

        expect(storeProducts.unchangedPages).toEqual([1, 2, 3]);
        expect(normalize).not.toHaveBeenCalled();
        expect(publisher.published).toEqual([]);
        expect(counts(lastRun())).toEqual(first);
        expect(first).toMatchObject({ recordsSeen: 5, recordsValid: 4, recordsSkipped: 1 });
        expect(Object.keys(first.warnings ?? {})).not.toEqual([]);
        expect(lastRun()).toMatchObject({ status: 'succeeded', recordsChanged: 0, recordsDeleted: 0 });
        expect(storeProducts.ids(view.connection.id)).toEqual(['a', 'b', 'c', 'd']);
      });

      it('normalizes again the pages whose body changed, and deletes what no page shows any more', async () => {
        const view = await catalogConnection(catalog());
        await service.runFullSync(request(view));
        publisher.published.length = 0;
        storeProducts.unchangedPages.length = 0;
        // Pages of [a, -], [b, c], [d]: the second and third change, the first does not.
        catalogStore.catalog[3] = catalogProduct('c', 15);
        catalogStore.catalog[4] = catalogProduct('e');

        await service.runFullSync(request(view));

        expect(storeProducts.unchangedPages).toEqual([1]);
        expect(
          publisher.published.map(({ payload }) => [payload.products.map((p) => p.id), payload.deletedIds]),
        ).toEqual([
          [['c'], []],
          [['e'], []],
          [[], ['d']],
        ]);
        expect(storeProducts.ids(view.connection.id)).toEqual(['a', 'b', 'c', 'e']);

        // What this crawl saw is the baseline now: a third sync takes every page for unchanged.
        storeProducts.unchangedPages.length = 0;
        await service.runFullSync(request(view));
        expect(storeProducts.unchangedPages).toEqual([1, 2, 3]);
      });

      it('normalizes a page again when the mirror no longer holds what its last crawl left there', async () => {
        const view = await catalogConnection(catalog());
        await service.runFullSync(request(view));
        publisher.published.length = 0;
        // A store webhook changed product c since; the store's listing still shows the crawled version.
        const c = storeProducts.record(view.connection.id, 'c');
        await storeProducts.upsertMany(view.connection.id, [{ ...c!, name: 'Renamed by a webhook' }]);

        await service.runFullSync(request(view));

        expect(storeProducts.unchangedPages).toEqual([1, 3]);
        // As without fingerprints: the crawl publishes what the store lists.
        expect(publisher.productIds()).toEqual(['c']);
        expect(storeProducts.record(view.connection.id, 'c')?.name).toBe('Product c');
      });

      it("takes no page for unchanged once the connection's field mappings changed", async () => {
        const view = await catalogConnection(catalog());
        await service.runFullSync(request(view));
        publisher.published.length = 0;
        view.settings.fieldMappings.products = { sku: 'code' };

        await service.runFullSync(request(view));

        expect(storeProducts.unchangedPages).toEqual([]);
        expect(publisher.published).toEqual([]);
        expect(lastRun()).toMatchObject({ status: 'succeeded', recordsValid: 4 });
      });
    });

    it('keeps the products seen before a crawl was resumed, and publishes the page that failed', async () => {
      const view = await catalogConnection([
        catalogProduct('a'),
        catalogProduct('b'),
        catalogProduct('c'),
        catalogProduct('d'),
      ]);
      publisher.failFromPage = 2;
      await expect(service.runFullSync(request(view))).rejects.toThrow('bus unavailable');
      publisher.failFromPage = undefined;

      await service.runFullSync(request(view));

      expect(syncRuns.only()).toMatchObject({ status: 'succeeded', recordsDeleted: 0 });
      // Page 2 was mirrored before its publish failed: the resumed crawl still publishes it.
      expect(publisher.productIds()).toEqual(['a', 'b', 'c', 'd']);
      expect(storeProducts.ids(view.connection.id)).toEqual(['a', 'b', 'c', 'd']);
    });
  });

  it('crawls under the lock of its connection', async () => {
    const view = demoConnection();

    await service.runFullSync(request(view));

    expect(locks.taken).toEqual([`sync:${view.connection.id}`]);
  });

  it('asks for a retry in a minute, crawling nothing, while another replica crawls the connection', async () => {
    const view = demoConnection();
    locks.heldElsewhere.add(`sync:${view.connection.id}`);

    const outcome = service.runFullSync(request(view));

    await expect(outcome).rejects.toBeInstanceOf(RetryLaterError);
    await expect(outcome).rejects.toMatchObject({ delayMs: 60_000 });
    expect(syncRuns.runs.size).toBe(0);
    expect(publisher.published).toEqual([]);
    expect(store.stats.total).toBe(0);
  });
});

describe('StoreSyncService.runFullSync on products, then orders', () => {
  let journal: Journal;
  let connections: FakeStoreConnections;
  let syncRuns: FakeSyncRuns;
  let publisher: RecordingPublisher;
  let storeOrders: InMemoryMirror<NormalizedOrder>;
  let service: StoreSyncService;
  let store: DemoStore;

  beforeAll(async () => {
    store = await startDemoStore({ productCount: 12, orderCount: 23, apiKey: API_KEY });
  });

  afterAll(async () => {
    await store.close();
  });

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    store.stats.reset();
    journal = [];
    connections = new FakeStoreConnections();
    syncRuns = new FakeSyncRuns(journal);
    publisher = new RecordingPublisher(journal);
    storeOrders = new InMemoryMirror<NormalizedOrder>(undefined, syncRuns);
    service = aStoreSyncService({
      connections,
      syncRuns,
      kinds: [
        syncedProducts(new InMemoryMirror<NormalizedProduct>(undefined, syncRuns), publisher),
        syncedOrders(storeOrders, publisher),
      ],
    });
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  const demoConnection = (overrides: Partial<StoreConnectionInput> = {}): StoreConnectionView =>
    demoStoreConnection(connections, store, overrides);

  function runsOf(entity: RecordKind): SyncRunEntity[] {
    return [...syncRuns.runs.values()].filter((run) => run.entity === entity);
  }

  function orderMessages(): Array<{ payload: OrdersChangedEvent; options?: PublishOptions }> {
    return publisher.published
      .filter((message) => message.subject === Subjects.ordersChanged)
      .map((message) => ({
        payload: message.payload as unknown as OrdersChangedEvent,
        ...(message.options ? { options: message.options } : {}),
      }));
  }

  it('crawls the orders after the products, in a run of their own, and publishes them normalized', async () => {
    const view = demoConnection();

    await service.runFullSync({ connectionId: view.connection.id, trigger: 'activate' });

    expect(syncRuns.starts.map((start) => start.entity)).toEqual(['products', 'orders']);
    const [ordersRun] = runsOf('orders');
    expect(ordersRun).toMatchObject({
      status: 'succeeded',
      pagesFetched: 3,
      recordsSeen: 23,
      recordsValid: 23,
      recordsChanged: 23,
    });
    const messages = orderMessages();
    expect(messages.map((message) => message.options?.messageId)).toEqual([
      `${ordersRun.id}:orders:1`,
      `${ordersRun.id}:orders:2`,
      `${ordersRun.id}:orders:3`,
    ]);
    const orders = messages.flatMap((message) => message.payload.orders);
    expect(orders).toHaveLength(23);
    expect(orders[0]).toEqual(
      expect.objectContaining({
        id: expect.any(String),
        customerEmail: expect.stringContaining('@'),
        items: expect.arrayContaining([expect.objectContaining({ quantity: expect.any(Number) })]),
      }),
    );
    expect(storeOrders.ids(view.connection.id)).toHaveLength(23);
    expect(store.stats.byPath['/api/orders']).toBe(3);
  });

  it('records how long each step took on every run', async () => {
    const view = demoConnection();

    await service.runFullSync({ connectionId: view.connection.id, trigger: 'manual' });

    for (const run of syncRuns.runs.values()) {
      expect(Object.keys(run.timings).sort()).toEqual(['fetchMs', 'mirrorMs', 'normalizeMs', 'publishMs']);
      expect(Object.values(run.timings).every((ms) => Number.isInteger(ms) && ms >= 0)).toBe(true);
    }
  });

  it('publishes no order when a re-sync finds the store unchanged', async () => {
    const view = demoConnection();
    await service.runFullSync({ connectionId: view.connection.id, trigger: 'manual' });
    publisher.published.length = 0;

    await service.runFullSync({ connectionId: view.connection.id, trigger: 'schedule' });

    expect(publisher.published).toEqual([]);
    expect(runsOf('orders').map((run) => run.status)).toEqual(['succeeded', 'succeeded']);
  });

  it('resumes an interrupted orders run without crawling the products again', async () => {
    const view = demoConnection();
    const resumable = syncRuns.seed(
      aSyncRun({ connectionId: view.connection.id, entity: 'orders', nextPage: 3, pagesFetched: 2 }),
    );

    await service.runFullSync({ connectionId: view.connection.id, trigger: 'manual' });

    expect(syncRuns.starts).toEqual([]);
    expect(store.stats.byPath['/api/products']).toBeUndefined();
    expect(orderMessages().map((message) => message.options?.messageId)).toEqual([
      `${resumable.id}:orders:3`,
    ]);
    expect(syncRuns.runs.get(resumable.id)).toMatchObject({ status: 'succeeded', pagesFetched: 3 });
  });

  it('still syncs the products of a store whose orders endpoint is missing, and fails only the orders run', async () => {
    const view = demoConnection({ paths: { orders: '/api/no-such-orders' } });

    await expect(
      service.runFullSync({ connectionId: view.connection.id, trigger: 'manual' }),
    ).resolves.toBeUndefined();

    expect(runsOf('products')[0].status).toBe('succeeded');
    expect(runsOf('orders')[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/404/) });
    expect(orderMessages()).toEqual([]);
  });
});
