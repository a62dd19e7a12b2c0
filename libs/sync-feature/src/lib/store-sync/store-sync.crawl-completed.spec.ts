import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import type { StoreConnectionView } from '@storebridge/connections';
import { Subjects, type NormalizedOrder, type NormalizedProduct } from '@storebridge/contracts';
import { RecordingPublisher } from '@storebridge/messaging';
import type { AdvisoryLockRepository } from '@storebridge/persistence';
import type { SyncRunRepository } from '@storebridge/sync-persistence';
import { FakeAdvisoryLocks, FakeStoreConnections, FakeSyncRuns, InMemoryMirror } from '../../test/fakes';
import { syncedOrders, syncedProducts } from '../synced-record-kinds';
import { StoreSyncService } from './store-sync.service';

const PER_PAGE = 2;

/** How the stub store answers: every page as it should, the first page whatever is asked, or errors. */
type StoreMode = 'complete' | 'ignores_page' | 'fails';

interface StubStore {
  url: string;
  mode: StoreMode;
  products: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

const product = (id: string) => ({
  id,
  name: `Product ${id}`,
  price: 10,
  permalink: `https://shop.test/p/${id}`,
});
const ORDERS = ['o1', 'o2', 'o3'].map((id) => ({
  id,
  status: 'paid',
  total: 10,
  currency: 'EUR',
  customer_email: `${id}@example.com`,
  items: [],
}));

async function startStubStore(): Promise<StubStore> {
  const stub = { mode: 'complete' as StoreMode, products: [] as Array<Record<string, unknown>> };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub.local');
    if (stub.mode === 'fails') {
      res.writeHead(401).end('{}');
      return;
    }
    const records = url.pathname.includes('orders') ? ORDERS : stub.products;
    const asked = Number(url.searchParams.get('page') ?? '1');
    const page = stub.mode === 'ignores_page' ? 1 : asked;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data: records.slice((page - 1) * PER_PAGE, page * PER_PAGE) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(stub, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  });
}

describe('StoreSyncService telling push that a crawl completed', () => {
  let store: StubStore;
  let connections: FakeStoreConnections;
  let syncRuns: FakeSyncRuns;
  // One publisher for changes and completions: their order is what push relies on.
  let publisher: RecordingPublisher;
  let service: StoreSyncService;
  let view: StoreConnectionView;

  beforeAll(async () => {
    store = await startStubStore();
  });

  afterAll(async () => {
    await store.close();
  });

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    store.mode = 'complete';
    store.products = ['a', 'b', 'c'].map(product);
    connections = new FakeStoreConnections();
    syncRuns = new FakeSyncRuns();
    publisher = new RecordingPublisher();
    service = new StoreSyncService(
      connections.asService(),
      syncRuns as unknown as SyncRunRepository,
      [
        syncedProducts(new InMemoryMirror<NormalizedProduct>(undefined, syncRuns), publisher),
        syncedOrders(new InMemoryMirror<NormalizedOrder>(undefined, syncRuns), publisher),
      ],
      new FakeAdvisoryLocks() as unknown as AdvisoryLockRepository,
      { allowPrivateStoreUrls: true },
      undefined,
      publisher,
    );
    view = connections.add({
      baseUrl: store.url,
      auth: { method: 'api_key', token: 'key' },
      perPage: PER_PAGE,
    });
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('publishes one crawl completion per record kind whose crawl proved its end, after its deletions', async () => {
    await service.runFullSync({ connectionId: view.connection.id, trigger: 'activate' });
    store.products = ['b', 'c'].map(product);
    publisher.published.length = 0;

    await service.runFullSync({ connectionId: view.connection.id, trigger: 'schedule' });

    const runOf = (entity: string) =>
      [...syncRuns.runs.values()].find((run) => run.trigger === 'schedule' && run.entity === entity);
    const completion = (entity: 'products' | 'orders') => ({
      subject: Subjects.crawlCompleted,
      payload: {
        connectionId: view.connection.id,
        entity,
        syncRunId: runOf(entity)?.id,
        startedAt: runOf(entity)?.startedAt.toISOString(),
      },
      options: { messageId: `${runOf(entity)?.id}:${entity}:crawl-completed` },
    });
    expect(publisher.published).toEqual([
      expect.objectContaining({
        subject: Subjects.productsChanged,
        payload: expect.objectContaining({ deletedIds: ['a'] }),
      }),
      completion('products'),
      completion('orders'),
    ]);
  });

  it('publishes nothing when the end of the crawl is not proven: the store repeats its first page', async () => {
    store.mode = 'ignores_page';

    await service.runFullSync({ connectionId: view.connection.id, trigger: 'activate' });

    expect([...syncRuns.runs.values()].map((run) => [run.entity, run.status, run.endConfirmed])).toEqual([
      ['products', 'succeeded', false],
      ['orders', 'succeeded', false],
    ]);
    expect(publisher.published.map((message) => message.subject)).not.toContain(Subjects.crawlCompleted);
  });

  it('publishes nothing when the crawl failed', async () => {
    store.mode = 'fails';

    await service.runFullSync({ connectionId: view.connection.id, trigger: 'activate' });

    expect([...syncRuns.runs.values()].map((run) => run.status)).toEqual(['failed', 'failed']);
    expect(publisher.published).toEqual([]);
  });
});
