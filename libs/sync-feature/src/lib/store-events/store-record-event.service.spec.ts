import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { StoreConnectionView } from '@storebridge/connections';
import {
  Subjects,
  type NormalizedOrder,
  type NormalizedProduct,
  type OrdersChangedEvent,
  type ProductsChangedEvent,
} from '@storebridge/contracts';
import type { FieldMapping } from '@storebridge/store-normalization';
import { RecordingPublisher } from '@storebridge/messaging';
import { FakeStoreConnections, InMemoryMirror, nextStoreEventDelivery } from '../../test/fakes';
import { syncedOrders, syncedProducts } from '../synced-record-kinds';
import { StoreRecordEventService, type StoreRecordEvent } from './store-record-event.service';

const BASE_URL = 'https://shop.test';

const LAMP = {
  id: 'prod_1',
  title: 'Desk lamp',
  selling_price: '$49.90',
  permalink: `${BASE_URL}/p/lamp`,
  images: ['https://cdn.shop.test/lamp.jpg'],
  colour: 'black',
};

describe('StoreRecordEventService', () => {
  let connections: FakeStoreConnections;
  let storeProducts: InMemoryMirror<NormalizedProduct>;
  let storeOrders: InMemoryMirror<NormalizedOrder>;
  let publisher: RecordingPublisher<ProductsChangedEvent | OrdersChangedEvent>;
  let service: StoreRecordEventService;
  let view: StoreConnectionView;
  let warnings: jest.SpyInstance;

  beforeEach(() => {
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    connections = new FakeStoreConnections();
    storeProducts = new InMemoryMirror<NormalizedProduct>();
    storeOrders = new InMemoryMirror<NormalizedOrder>();
    publisher = new RecordingPublisher<ProductsChangedEvent | OrdersChangedEvent>();
    service = new StoreRecordEventService(connections.asService(), [
      syncedProducts(storeProducts, publisher),
      syncedOrders(storeOrders, publisher),
    ]);
    view = aConnection();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  function aConnection(productMappings: FieldMapping = {}): StoreConnectionView {
    return connections.add({
      baseUrl: BASE_URL,
      auth: { method: 'api_key', token: 'key' },
      fieldMappings: { products: productMappings },
    });
  }

  /** As the handlers hand them over: `product.created`/`updated` upsert, `product.deleted` deletes. */
  function event(
    name: 'product.created' | 'product.updated' | 'product.deleted',
    data: Record<string, unknown>,
    connectionId = view.connection.id,
  ): StoreRecordEvent {
    return {
      connectionId,
      entity: 'products',
      action: name === 'product.deleted' ? 'delete' : 'upsert',
      data,
    };
  }

  function mirrored(id: string): (NormalizedProduct & { raw: unknown }) | undefined {
    const product = storeProducts.record(view.connection.id, id);
    return product && { ...product, raw: storeProducts.raw(view.connection.id, id) };
  }

  function products(message: { payload: ProductsChangedEvent | OrdersChangedEvent }): NormalizedProduct[] {
    return (message.payload as ProductsChangedEvent).products;
  }

  it('mirrors and publishes a created product, normalized, outside any sync run', async () => {
    await service.apply([event('product.created', LAMP)], nextStoreEventDelivery());

    expect(publisher.published).toEqual([
      {
        subject: Subjects.productsChanged,
        payload: {
          connectionId: view.connection.id,
          syncRunId: null,
          page: 0,
          products: [expect.objectContaining({ id: 'prod_1', name: 'Desk lamp', price: 49.9 })],
          deletedIds: [],
        },
        options: {
          messageId: expect.stringMatching(
            new RegExp(`^webhook:${view.connection.id}:products:\\d+\\+1:prod_1:[0-9a-f]{64}$`),
          ),
        },
      },
    ]);
    expect(mirrored('prod_1')).toMatchObject({ name: 'Desk lamp', price: 49.9, raw: LAMP });
  });

  it('publishes a product changed back to an earlier content under a new message id, which the bus keeps', async () => {
    await service.apply([event('product.created', LAMP)], nextStoreEventDelivery());
    await service.apply(
      [event('product.updated', { id: 'prod_1', selling_price: '$59.90' })],
      nextStoreEventDelivery(),
    );
    await service.apply(
      [event('product.updated', { id: 'prod_1', selling_price: LAMP.selling_price })],
      nextStoreEventDelivery(),
    );

    const ids = publisher.published.map(({ options }) => options?.messageId);
    expect(publisher.published.map((message) => products(message)[0].price)).toEqual([49.9, 59.9, 49.9]);
    expect(new Set(ids).size).toBe(3);
  });

  it('mirrors and publishes a product whose id and text hold NUL characters and lone surrogates without them', async () => {
    await service.apply(
      [event('product.created', { ...LAMP, id: 'prod\u0000_1', title: 'Desk\u0000 lamp \uD800' })],
      nextStoreEventDelivery(),
    );

    expect(publisher.published[0].payload).toMatchObject({
      products: [expect.objectContaining({ id: 'prod_1', name: 'Desk lamp \uFFFD' })],
    });
    expect(mirrored('prod_1')).toMatchObject({ raw: { ...LAMP, title: 'Desk lamp \uFFFD' } });
  });

  it('merges a partial update into the record it holds, keeping the fields the store did not send', async () => {
    await service.apply([event('product.created', LAMP)], nextStoreEventDelivery());
    publisher.published.length = 0;

    await service.apply(
      [event('product.updated', { id: 'prod_1', selling_price: '39.90' })],
      nextStoreEventDelivery(),
    );

    const [message] = publisher.published;
    expect(products(message)).toEqual([
      expect.objectContaining({
        id: 'prod_1',
        name: 'Desk lamp',
        price: 39.9,
        url: `${BASE_URL}/p/lamp`,
        images: ['https://cdn.shop.test/lamp.jpg'],
      }),
    ]);
    expect(mirrored('prod_1')?.raw).toEqual({ ...LAMP, selling_price: '39.90' });
  });

  it('replaces a nested value whole instead of merging inside it', async () => {
    await service.apply([event('product.created', LAMP)], nextStoreEventDelivery());

    await service.apply(
      [event('product.updated', { id: 'prod_1', images: ['https://cdn.shop.test/new.jpg'] })],
      nextStoreEventDelivery(),
    );

    expect(products(publisher.published[1])[0].images).toEqual(['https://cdn.shop.test/new.jpg']);
  });

  it("finds the product by the connection's id mapping", async () => {
    view = aConnection({ id: 'ref', name: 'label' });

    await service.apply(
      [event('product.created', { ref: 77, label: 'Mapped lamp' })],
      nextStoreEventDelivery(),
    );
    await service.apply([event('product.updated', { ref: 77, stock: 3 })], nextStoreEventDelivery());

    expect(publisher.published.map((message) => products(message)[0])).toEqual([
      expect.objectContaining({ id: '77', name: 'Mapped lamp' }),
      expect.objectContaining({ id: '77', name: 'Mapped lamp', stockQuantity: 3 }),
    ]);
  });

  it('publishes nothing when the merged product is what push already has', async () => {
    await service.apply([event('product.created', LAMP)], nextStoreEventDelivery());
    publisher.published.length = 0;

    // `colour` is not a field ShopiMind receives.
    await service.apply(
      [event('product.updated', { id: 'prod_1', colour: 'white' })],
      nextStoreEventDelivery(),
    );

    expect(publisher.published).toEqual([]);
    expect(mirrored('prod_1')?.raw).toEqual({ ...LAMP, colour: 'white' });
  });

  it('skips an update that still lacks a required field after merging, and says so', async () => {
    await service.apply([event('product.updated', { id: 'prod_9', price: 12 })], nextStoreEventDelivery());

    expect(publisher.published).toEqual([]);
    expect(mirrored('prod_9')).toBeUndefined();
    expect(warnings).toHaveBeenCalledWith(expect.stringContaining('missing_name'));
  });

  it('skips an event whose data names no product id', async () => {
    await service.apply([event('product.updated', { title: 'Nameless' })], nextStoreEventDelivery());

    expect(publisher.published).toEqual([]);
    expect(warnings).toHaveBeenCalledWith(expect.stringContaining('names no id'));
  });

  it('publishes a deleted product, then removes it from the mirror', async () => {
    await service.apply([event('product.created', LAMP)], nextStoreEventDelivery());
    publisher.published.length = 0;

    await service.apply([event('product.deleted', { id: 'prod_1' })], nextStoreEventDelivery());

    expect(publisher.published).toEqual([
      expect.objectContaining({
        payload: {
          connectionId: view.connection.id,
          syncRunId: null,
          page: 0,
          products: [],
          deletedIds: ['prod_1'],
        },
      }),
    ]);
    expect(mirrored('prod_1')).toBeUndefined();
  });

  it('announces nothing for the deletion of a product it does not hold', async () => {
    await service.apply([event('product.deleted', { id: 'prod_404' })], nextStoreEventDelivery());

    expect(publisher.published).toEqual([]);
  });

  it('leaves the mirror untouched when the change cannot be published, so a redelivery publishes it', async () => {
    await service.apply([event('product.created', LAMP)], nextStoreEventDelivery());
    publisher.failing = true;

    await expect(
      service.apply([event('product.updated', { id: 'prod_1', title: 'Lamp' })], nextStoreEventDelivery()),
    ).rejects.toThrow('bus unavailable');
    expect(mirrored('prod_1')?.name).toBe('Desk lamp');

    publisher.failing = false;
    await service.apply(
      [event('product.updated', { id: 'prod_1', title: 'Lamp' })],
      nextStoreEventDelivery(),
    );
    expect((publisher.published.at(-1)?.payload as ProductsChangedEvent).products[0].name).toBe('Lamp');
  });

  it('drops an event of a connection that no longer exists, with a warning', async () => {
    await service.apply([event('product.created', LAMP, randomUUID())], nextStoreEventDelivery());

    expect(publisher.published).toEqual([]);
    expect(storeProducts.rows.size).toBe(0);
    expect(warnings).toHaveBeenCalledWith(expect.stringContaining('unknown connection'));
  });

  describe('orders', () => {
    const ORDER = {
      order_id: 'ord_1',
      state: 'processing',
      grand_total: '59.80',
      billing_email: 'ada@example.com',
      line_items: [{ product_id: 'prod_1', quantity: 2, price: 29.9 }],
    };

    function orderEvent(action: StoreRecordEvent['action'], data: Record<string, unknown>): StoreRecordEvent {
      return { connectionId: view.connection.id, entity: 'orders', action, data };
    }

    it('merges a partial order update into the order it holds and publishes it as an order change', async () => {
      await service.apply([orderEvent('upsert', ORDER)], nextStoreEventDelivery());

      await service.apply(
        [orderEvent('upsert', { order_id: 'ord_1', state: 'shipped' })],
        nextStoreEventDelivery(),
      );

      expect(publisher.published.map((message) => message.subject)).toEqual([
        Subjects.ordersChanged,
        Subjects.ordersChanged,
      ]);
      const latest = publisher.published[1];
      expect(latest.payload).toEqual({
        connectionId: view.connection.id,
        syncRunId: null,
        page: 0,
        orders: [
          expect.objectContaining({
            id: 'ord_1',
            status: 'shipped',
            total: 59.8,
            customerEmail: 'ada@example.com',
          }),
        ],
        deletedIds: [],
      });
      expect(latest.options?.messageId).toMatch(
        new RegExp(`^webhook:${view.connection.id}:orders:\\d+\\+1:ord_1:[0-9a-f]{64}$`),
      );
      expect(storeOrders.raw(view.connection.id, 'ord_1')).toEqual({ ...ORDER, state: 'shipped' });
      expect(storeProducts.rows.size).toBe(0);
    });

    it('publishes a deleted order, then removes it from the orders mirror', async () => {
      await service.apply([orderEvent('upsert', ORDER)], nextStoreEventDelivery());

      await service.apply([orderEvent('delete', { id: 'ord_1' })], nextStoreEventDelivery());

      expect(publisher.published.at(-1)?.payload).toEqual({
        connectionId: view.connection.id,
        syncRunId: null,
        page: 0,
        orders: [],
        deletedIds: ['ord_1'],
      });
      expect(storeOrders.ids(view.connection.id)).toEqual([]);
    });
  });
});
