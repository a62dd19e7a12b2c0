import { randomUUID } from 'node:crypto';
import { type INestApplication, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  partitionedSubject,
  STREAM_NAME,
  Subjects,
  type OrdersChangedEvent,
  type ProductsChangedEvent,
  type StoreProductEventReceivedEvent,
} from '@storebridge/contracts';
import {
  durableName,
  MessagePublisher,
  MessagingModule,
  MessagingTransport,
  RecordingPublisher,
} from '@storebridge/messaging';
import { StoreOrderEntity, StoreProductEntity } from '@storebridge/persistence';
import { aPersistedConnection, openDataSource, truncateTables } from '@storebridge/persistence/testing';
import { StoreOrderRepository, StoreProductRepository } from '@storebridge/sync-persistence';
import { expectEventually, testNatsUrl } from '@storebridge/testing';
import { connect, type NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { FakeStoreConnections } from '../../test/fakes';
import { syncedOrders, syncedProducts } from '../synced-record-kinds';
import { StoreEventHandlers } from './store-event.handlers';
import { StoreRecordEventService } from './store-record-event.service';

const receivedAt = '2026-11-23T12:00:00.000Z';

function webhook(
  connectionId: string,
  event: StoreProductEventReceivedEvent['event'],
  data: Record<string, unknown>,
): StoreProductEventReceivedEvent {
  return { connectionId, event, data, receivedAt };
}

function lamp(id: string): Record<string, unknown> {
  return { id, title: `Lamp ${id}`, selling_price: '49.90', permalink: `https://shop.test/p/${id}` };
}

// Sync's store webhook handlers on a real nats-server -js, their mirror on a real PostgreSQL.
describe('Store webhooks through JetStream into the mirror', () => {
  let dataSource: DataSource;
  let products: StoreProductRepository;
  let observer: NatsConnection;
  let connections: FakeStoreConnections;
  let toPush: RecordingPublisher<ProductsChangedEvent | OrdersChangedEvent>;
  let service: StoreRecordEventService;
  let app: INestApplication | undefined;
  let serviceName: string;

  beforeAll(async () => {
    dataSource = await openDataSource();
    products = new StoreProductRepository(dataSource.getRepository(StoreProductEntity));
    observer = await connect({ servers: testNatsUrl() });
  });

  afterAll(async () => {
    await observer.close();
    await dataSource.destroy();
  });

  beforeEach(async () => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    await truncateTables(dataSource);
    connections = new FakeStoreConnections();
    toPush = new RecordingPublisher<ProductsChangedEvent | OrdersChangedEvent>();
    service = new StoreRecordEventService(connections.asService(), [
      syncedProducts(products, toPush),
      syncedOrders(new StoreOrderRepository(dataSource.getRepository(StoreOrderEntity)), toPush),
    ]);
    serviceName = `sync-events-${randomUUID().slice(0, 8)}`;
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    jest.restoreAllMocks();
    await (await observer.jetstreamManager()).streams.delete(STREAM_NAME).catch(() => undefined);
  });

  /** A connection persisted (the mirror's rows reference it) and known to the fake connection service. */
  async function aConnection(): Promise<string> {
    const id = await aPersistedConnection(dataSource);
    const view = connections.add({
      baseUrl: 'https://shop.test',
      auth: { method: 'api_key', token: 'key' },
      fieldMappings: {},
    });
    view.connection.id = id;
    connections.views.set(id, view);
    return id;
  }

  /** Sync's handlers wired as the sync app wires them; consuming only once `startConsuming` is called. */
  async function startSync(): Promise<{ publisher: MessagePublisher; startConsuming: () => Promise<void> }> {
    const moduleRef = await Test.createTestingModule({
      imports: [MessagingModule.forRoot({ serviceName, natsUrl: testNatsUrl(), partitionDiscoveryMs: 100 })],
      controllers: [StoreEventHandlers],
      providers: [{ provide: StoreRecordEventService, useValue: service }],
    }).compile();
    const started = moduleRef.createNestApplication({ logger: false });
    app = started;
    started.connectMicroservice({ strategy: started.get(MessagingTransport) });
    await started.init();
    return {
      publisher: started.get(MessagePublisher),
      startConsuming: async () => {
        await started.startAllMicroservices();
      },
    };
  }

  async function mirrored(connectionId: string): Promise<Array<{ id: string; price: number | null }>> {
    const rows: Array<{ id: string; price: string | null }> = await dataSource.query(
      `SELECT store_product_id AS id, price FROM store_products WHERE connection_id = $1 ORDER BY store_product_id`,
      [connectionId],
    );
    return rows.map(({ id, price }) => ({ id, price: price === null ? null : Number(price) }));
  }

  async function expectSettled(filterSubject: string, messages: number): Promise<void> {
    const jsm = await observer.jetstreamManager();
    await expectEventually(async () => {
      const info = await jsm.consumers.info(STREAM_NAME, durableName(serviceName, filterSubject));
      expect(info.ack_floor.stream_seq).toBeGreaterThanOrEqual(messages);
      expect(info.num_pending + info.num_ack_pending).toBe(0);
    });
  }

  it("applies a burst of one connection's webhooks in a few merged runs, as one by one would", async () => {
    const connectionId = await aConnection();
    const ids = Array.from({ length: 100 }, (_, index) => `p${String(index).padStart(3, '0')}`);
    const burst = [
      ...ids.map((id) => webhook(connectionId, 'product.created', lamp(id))),
      ...ids.map((id, index) =>
        webhook(connectionId, 'product.updated', { id, selling_price: `${index + 1}` }),
      ),
      ...ids.slice(0, 10).map((id) => webhook(connectionId, 'product.deleted', { id })),
      webhook(connectionId, 'product.updated', { id: ids[0], selling_price: '5' }),
      webhook(connectionId, 'product.created', lamp(ids[1])),
    ];
    const runs = jest.spyOn(service, 'apply');
    const { publisher, startConsuming } = await startSync();
    for (const message of burst) {
      // As the gateway publishes: on the connection's own queue.
      await publisher.publish(Subjects.storeProductEventReceived, message);
    }

    await startConsuming();

    await expectSettled(partitionedSubject(Subjects.storeProductEventReceived, connectionId), burst.length);
    expect(await mirrored(connectionId)).toEqual([
      { id: ids[1], price: 49.9 },
      ...ids.slice(10).map((id, index) => ({ id, price: index + 11 })),
    ]);
    expect(runs.mock.calls.length).toBeLessThan(burst.length / 10);
    expect(runs.mock.calls.flatMap(([events]) => events)).toHaveLength(burst.length);
    expect(toPush.published.length).toBeLessThanOrEqual(runs.mock.calls.length * 2);
  });

  it('still applies the webhooks left on the unpartitioned subject by a gateway of the previous version', async () => {
    const [shopA, shopB] = [await aConnection(), await aConnection()];
    const { publisher, startConsuming } = await startSync();
    // The stream exists once the publisher started; this is what the previous gateway left there.
    const waiting = [
      webhook(shopA, 'product.created', lamp('p1')),
      webhook(shopB, 'product.created', lamp('p1')),
      webhook(shopA, 'product.updated', { id: 'p1', selling_price: '12' }),
      webhook(shopB, 'product.deleted', { id: 'p1' }),
      webhook(shopB, 'product.created', lamp('p2')),
    ];
    const js = observer.jetstream();
    for (const message of waiting) {
      await js.publish(Subjects.storeProductEventReceived, new TextEncoder().encode(JSON.stringify(message)));
    }
    // And what the new one publishes after the upgrade, on the connection's queue: the two queues are served
    // side by side, so only the order within each is kept.
    await publisher.publish(
      Subjects.storeProductEventReceived,
      webhook(shopA, 'product.created', lamp('p3')),
    );

    await startConsuming();

    await expectSettled(Subjects.storeProductEventReceived, waiting.length);
    await expectEventually(async () => {
      expect(await mirrored(shopA)).toEqual([
        { id: 'p1', price: 12 },
        { id: 'p3', price: 49.9 },
      ]);
      expect(await mirrored(shopB)).toEqual([{ id: 'p2', price: 49.9 }]);
    });
  });
});
