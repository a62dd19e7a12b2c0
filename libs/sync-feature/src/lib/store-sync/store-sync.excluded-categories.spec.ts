import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import type { StoreConnectionView } from '@storebridge/connections';
import type { NormalizedProduct, ProductsChangedEvent, SyncTrigger } from '@storebridge/contracts';
import { RecordingPublisher } from '@storebridge/messaging';
import {
  aStoreSyncService,
  FakeStoreConnections,
  FakeSyncRuns,
  InMemoryMirror,
  nextStoreEventDelivery,
} from '../../test/fakes';
import { StoreRecordEventService } from '../store-events/store-record-event.service';
import { syncedProducts } from '../synced-record-kinds';
import type { StoreSyncService } from './store-sync.service';

const PER_PAGE = 2;

interface CatalogStore {
  url: string;
  close(): Promise<void>;
}

/** A store serving `catalog` in pages of PER_PAGE, with an envelope naming the last page. */
async function startCatalogStore(catalog: Array<Record<string, unknown>>): Promise<CatalogStore> {
  const server: Server = createServer((req, res) => {
    const page = Number(new URL(req.url ?? '/', 'http://stub.local').searchParams.get('page') ?? '1');
    const lastPage = Math.max(1, Math.ceil(catalog.length / PER_PAGE));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        data: catalog.slice((page - 1) * PER_PAGE, page * PER_PAGE),
        meta: { current_page: page, last_page: lastPage },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function product(id: string, categories: string[]): Record<string, unknown> {
  return { id, name: `Product ${id}`, price: 10, permalink: `https://shop.test/p/${id}`, categories };
}

// The store's categories as its merchant wrote them: the exclusion list is compared like category keys.
const CATALOG = [
  product('boots', ['Shoes']),
  product('sandals', ['  SHOES ', 'Summer']),
  product('hat', ['Accessories']),
  product('scarf', ['Accessories', 'Winter  sale']),
  product('plain', []),
];

describe('StoreSyncService with categories to leave out', () => {
  let store: CatalogStore;
  let connections: FakeStoreConnections;
  let publisher: RecordingPublisher<ProductsChangedEvent>;
  let mirror: InMemoryMirror<NormalizedProduct>;
  let service: StoreSyncService;
  let view: StoreConnectionView;

  beforeAll(async () => {
    store = await startCatalogStore(CATALOG);
  });

  afterAll(async () => {
    await store.close();
  });

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    connections = new FakeStoreConnections();
    const syncRuns = new FakeSyncRuns();
    publisher = new RecordingPublisher<ProductsChangedEvent>();
    mirror = new InMemoryMirror<NormalizedProduct>(undefined, syncRuns);
    service = aStoreSyncService({ connections, syncRuns, kinds: [syncedProducts(mirror, publisher)] });
    view = connections.add({
      baseUrl: store.url,
      auth: { method: 'api_key', token: 'key' },
      perPage: PER_PAGE,
    });
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  /** One crawl; what it published: products to write, ids to delete. */
  async function crawl(trigger: SyncTrigger): Promise<{ pushed: string[]; deleted: string[] }> {
    publisher.published.length = 0;
    await service.runFullSync({ connectionId: view.connection.id, trigger });
    const payloads = publisher.published.map((message) => message.payload);
    return {
      pushed: payloads.flatMap((payload) => payload.products.map((record) => record.id)).sort(),
      deleted: payloads.flatMap((payload) => payload.deletedIds).sort(),
    };
  }

  function exclude(...categories: string[]): void {
    view.connection.excludedCategories = categories;
  }

  it('does not push the products of an excluded category, however the store spells it', async () => {
    exclude('shoes');

    const published = await crawl('activate');

    expect(published.pushed).toEqual(['hat', 'plain', 'scarf']);
  });

  it('deletes the products of a newly excluded category and pushes them again once it is removed', async () => {
    expect((await crawl('activate')).pushed).toEqual(['boots', 'hat', 'plain', 'sandals', 'scarf']);

    exclude('Shoes', 'winter sale');
    const excluding = await crawl('config_updated');
    expect(excluding.pushed).toEqual(['hat', 'plain']);
    expect(excluding.deleted).toEqual(['boots', 'sandals', 'scarf']);

    exclude('Shoes');
    const including = await crawl('config_updated');
    expect(including.pushed).toEqual(['hat', 'plain', 'scarf']);
    expect(including.deleted).not.toContain('scarf');
  });

  it('applies a changed list on a scheduled crawl too, though no product changed in the store', async () => {
    await crawl('activate');

    exclude('Accessories');
    expect(await crawl('schedule')).toEqual({ pushed: [], deleted: ['hat', 'scarf'] });

    exclude();
    expect(await crawl('schedule')).toEqual({ pushed: ['hat', 'scarf'], deleted: [] });
  });

  it('publishes nothing for excluded products that did not change since the last crawl', async () => {
    exclude('Accessories');
    await crawl('activate');

    expect(await crawl('schedule')).toEqual({ pushed: [], deleted: [] });
  });

  it('publishes every product again, crawl after crawl, until one succeeds under a new configuration', async () => {
    view.connection.configFingerprint = 'first';
    view.connection.republishedFingerprint = 'first';
    await crawl('activate');
    expect(await crawl('schedule')).toEqual({ pushed: [], deleted: [] });

    // Saved by config_updated (a new language, say), whose own crawl never ran to its end.
    view.connection.configFingerprint = 'second';
    const all = ['boots', 'hat', 'plain', 'sandals', 'scarf'];
    expect(await crawl('schedule')).toEqual({ pushed: all, deleted: [] });
    expect(view.connection.republishedFingerprint).toBe('second');

    expect(await crawl('schedule')).toEqual({ pushed: [], deleted: [] });
  });

  it('deletes a product a store webhook moves into an excluded category, and pushes it back when moved out', async () => {
    exclude('Shoes');
    await crawl('activate');
    publisher.published.length = 0;
    const events = new StoreRecordEventService(connections.asService(), [syncedProducts(mirror, publisher)]);
    const moved = (categories: string[]) =>
      events.apply(
        [
          {
            connectionId: view.connection.id,
            entity: 'products',
            action: 'upsert',
            data: { id: 'hat', categories },
          },
        ],
        nextStoreEventDelivery(),
      );

    await moved(['Shoes']);
    await moved(['Accessories']);

    expect(
      publisher.published.map(({ payload }) => [payload.products.map((p) => p.id), payload.deletedIds]),
    ).toEqual([
      [[], ['hat']],
      [['hat'], []],
    ]);
  });
});
