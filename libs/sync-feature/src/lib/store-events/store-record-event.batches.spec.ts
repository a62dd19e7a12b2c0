import { Logger } from '@nestjs/common';
import {
  Subjects,
  type NormalizedOrder,
  type NormalizedProduct,
  type OrdersChangedEvent,
  type ProductsChangedEvent,
} from '@storebridge/contracts';
import { RecordingPublisher } from '@storebridge/messaging';
import { propertyReplayFromEnv } from '@storebridge/store-client/testing';
import fc from 'fast-check';
import { FakeStoreConnections, InMemoryMirror, nextStoreEventDelivery } from '../../test/fakes';
import { syncedOrders, syncedProducts } from '../synced-record-kinds';
import { StoreRecordEventService, type StoreRecordEvent } from './store-record-event.service';

/** `WEBHOOK_BATCH_PROPERTY_SEED=… WEBHOOK_BATCH_PROPERTY_PATH=…` replays a failure fast-check printed. */
const REPLAY = propertyReplayFromEnv('WEBHOOK_BATCH_PROPERTY');

const BASE_URL = 'https://shop.test';

function lamp(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    title: `Lamp ${id}`,
    selling_price: '49.90',
    permalink: `${BASE_URL}/p/${id}`,
    images: [`https://cdn.shop.test/${id}.jpg`],
    ...overrides,
  };
}

/** One service with its own mirror, bus and connections: the state a run of events leaves behind. */
class Harness {
  readonly journal: string[] = [];
  readonly connections = new FakeStoreConnections();
  readonly products = new InMemoryMirror<NormalizedProduct>(this.journal);
  readonly orders = new InMemoryMirror<NormalizedOrder>(this.journal);
  readonly publisher = new RecordingPublisher<ProductsChangedEvent | OrdersChangedEvent>();
  readonly service = new StoreRecordEventService(this.connections.asService(), [
    syncedProducts(this.products, this.publisher),
    syncedOrders(this.orders, this.publisher),
  ]);
  readonly connectionId: string;
  readonly otherConnectionId: string;

  constructor() {
    const settings = {
      baseUrl: BASE_URL,
      auth: { method: 'api_key', token: 'key' },
      fieldMappings: {},
    } as const;
    this.connectionId = this.connections.add(settings).connection.id;
    this.otherConnectionId = this.connections.add(settings).connection.id;
  }

  upsert(data: Record<string, unknown>, connectionId = this.connectionId): StoreRecordEvent {
    return { connectionId, entity: 'products', action: 'upsert', data };
  }

  delete(id: string, connectionId = this.connectionId): StoreRecordEvent {
    return { connectionId, entity: 'products', action: 'delete', data: { id } };
  }

  /** What ShopiMind holds of a connection once every published product message is applied in order. */
  pushed(connectionId = this.connectionId): Map<string, NormalizedProduct> {
    const state = new Map<string, NormalizedProduct>();
    for (const { subject, payload } of this.publisher.published) {
      const change = payload as ProductsChangedEvent;
      if (subject === Subjects.productsChanged && change.connectionId === connectionId) {
        change.products.forEach((product) => state.set(product.id, product));
        change.deletedIds.forEach((id) => state.delete(id));
      }
    }
    return state;
  }

  /** A connection's mirror rows, by record id: the normalized record and the store's record. */
  rowsOf(connectionId: string): Array<{ id: string; record: unknown; raw: unknown }> {
    return this.products.ids(connectionId).map((id) => ({
      id,
      record: this.products.record(connectionId, id),
      raw: this.products.raw(connectionId, id),
    }));
  }

  messageIds(): Array<string | undefined> {
    return this.publisher.published.map(({ options }) => options?.messageId);
  }
}

function products(message: { payload: ProductsChangedEvent | OrdersChangedEvent }): NormalizedProduct[] {
  return (message.payload as ProductsChangedEvent).products;
}

describe('StoreRecordEventService, a batch of one connection’s events', () => {
  let warnings: jest.SpyInstance;
  let shop: Harness;

  beforeEach(() => {
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    shop = new Harness();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('applies a burst with one connection lookup, one mirror read, one mirror write and one message', async () => {
    const ids = Array.from({ length: 10 }, (_, index) => `prod_${index}`);
    await shop.service.apply(
      ids.slice(0, 5).map((id) => shop.upsert(lamp(id))),
      nextStoreEventDelivery(),
    );
    shop.journal.length = 0;
    shop.publisher.published.length = 0;
    shop.connections.lookups.length = 0;

    const burst = ids.flatMap((id, index) => [
      shop.upsert(lamp(id)),
      shop.upsert({ id, selling_price: `${10 + index}.00` }),
      shop.upsert({ id, stock: index }),
    ]);
    await shop.service.apply(burst, nextStoreEventDelivery());

    expect(shop.connections.lookups).toHaveLength(1);
    expect(shop.journal).toEqual(['read:10', 'mirror:10']);
    expect(shop.publisher.published).toHaveLength(1);
    expect(
      products(shop.publisher.published[0]).map(({ id, price, stockQuantity }) => [id, price, stockQuantity]),
    ).toEqual(ids.map((id, index) => [id, 10 + index, index]));
  });

  it('merges the partial updates of one record in order, shallowly, the latest value of a field winning', async () => {
    await shop.service.apply(
      [
        shop.upsert(lamp('prod_1', { colour: 'black' })),
        shop.upsert({ id: 'prod_1', selling_price: '39.90', images: ['https://cdn.shop.test/a.jpg'] }),
        shop.upsert({ id: 'prod_1', selling_price: '29.90' }),
        shop.upsert({ id: 'prod_1', images: ['https://cdn.shop.test/b.jpg'] }),
      ],
      nextStoreEventDelivery(),
    );

    expect(shop.products.raw(shop.connectionId, 'prod_1')).toEqual(
      lamp('prod_1', { colour: 'black', selling_price: '29.90', images: ['https://cdn.shop.test/b.jpg'] }),
    );
    expect(products(shop.publisher.published[0])).toEqual([
      expect.objectContaining({ id: 'prod_1', price: 29.9, images: ['https://cdn.shop.test/b.jpg'] }),
    ]);
  });

  it('publishes the deletion of a held record deleted in the batch, with one delete statement', async () => {
    await shop.service.apply(
      [shop.upsert(lamp('prod_1')), shop.upsert(lamp('prod_2'))],
      nextStoreEventDelivery(),
    );
    shop.journal.length = 0;

    await shop.service.apply(
      [
        shop.upsert({ id: 'prod_1', selling_price: '1.00' }),
        shop.delete('prod_1'),
        shop.delete('prod_2'),
        shop.delete('prod_404'),
      ],
      nextStoreEventDelivery(),
    );

    expect(shop.publisher.published.at(-1)?.payload).toEqual({
      connectionId: shop.connectionId,
      syncRunId: null,
      page: 0,
      products: [],
      deletedIds: ['prod_1', 'prod_2'],
    });
    expect(shop.journal).toEqual(['read:3', 'delete:2']);
    expect(shop.products.ids(shop.connectionId)).toEqual([]);
  });

  it('re-creates a deleted record only from a full update: a partial one has nothing left to merge into', async () => {
    await shop.service.apply(
      [shop.upsert(lamp('prod_1')), shop.upsert(lamp('prod_2'))],
      nextStoreEventDelivery(),
    );
    shop.publisher.published.length = 0;

    await shop.service.apply(
      [
        shop.delete('prod_1'),
        shop.upsert({ id: 'prod_1', selling_price: '5.00' }),
        shop.delete('prod_2'),
        shop.upsert(lamp('prod_2', { title: 'Back' })),
      ],
      nextStoreEventDelivery(),
    );

    expect(warnings).toHaveBeenCalledWith(expect.stringContaining('prod_1'));
    expect(warnings).toHaveBeenCalledWith(expect.stringContaining('missing_name'));
    expect(shop.products.ids(shop.connectionId)).toEqual(['prod_2']);
    expect(shop.products.raw(shop.connectionId, 'prod_2')).toEqual(lamp('prod_2', { title: 'Back' }));
    expect(shop.publisher.published).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({
          products: [expect.objectContaining({ id: 'prod_2', name: 'Back' })],
          deletedIds: ['prod_1'],
        }),
      }),
    ]);
  });

  it('applies the valid events of a batch and skips, with a warning, those naming no id or not normalizing', async () => {
    await shop.service.apply(
      [
        shop.upsert({ title: 'Nameless' }),
        shop.upsert({ id: 'prod_9', selling_price: '12' }),
        shop.upsert(lamp('prod_1')),
      ],
      nextStoreEventDelivery(),
    );

    expect(warnings).toHaveBeenCalledWith(expect.stringContaining('names no id'));
    expect(warnings).toHaveBeenCalledWith(expect.stringContaining('missing_name'));
    expect(shop.products.ids(shop.connectionId)).toEqual(['prod_1']);
    expect(shop.publisher.published.map((message) => products(message).map(({ id }) => id))).toEqual([
      ['prod_1'],
    ]);
  });

  it('writes the mirror but publishes nothing when the batch changes nothing ShopiMind sees', async () => {
    await shop.service.apply([shop.upsert(lamp('prod_1'))], nextStoreEventDelivery());
    shop.publisher.published.length = 0;

    await shop.service.apply(
      [
        shop.upsert({ id: 'prod_1', colour: 'white' }),
        shop.upsert({ id: 'prod_1', selling_price: '1.00' }),
        shop.upsert({ id: 'prod_1', selling_price: '49.90' }),
      ],
      nextStoreEventDelivery(),
    );

    expect(shop.publisher.published).toEqual([]);
    expect(shop.products.raw(shop.connectionId, 'prod_1')).toEqual(lamp('prod_1', { colour: 'white' }));
  });

  it('refuses a batch mixing connections or record kinds, touching nothing', async () => {
    await expect(
      shop.service.apply(
        [shop.upsert(lamp('prod_1')), shop.upsert(lamp('prod_2'), shop.otherConnectionId)],
        nextStoreEventDelivery(),
      ),
    ).rejects.toThrow('one connection');
    await expect(
      shop.service.apply(
        [
          shop.upsert(lamp('prod_1')),
          { connectionId: shop.connectionId, entity: 'orders', action: 'delete', data: { id: 'o' } },
        ],
        nextStoreEventDelivery(),
      ),
    ).rejects.toThrow('one connection');

    expect(shop.products.rows.size).toBe(0);
    expect(shop.publisher.published).toEqual([]);
  });

  it('publishes a redelivered batch again under the same message id, so the bus drops it, when the mirror write failed', async () => {
    const batch = [shop.upsert(lamp('prod_1')), shop.upsert(lamp('prod_2')), shop.delete('prod_3')];
    shop.products.failNext = true;

    const delivery = nextStoreEventDelivery();

    await expect(shop.service.apply(batch, delivery)).rejects.toThrow('database unavailable');
    await shop.service.apply(batch, delivery);

    const [first, second] = shop.messageIds();
    expect(first).toMatch(
      new RegExp(`^webhook:${shop.connectionId}:products:${delivery.sequence}\\+3:[0-9a-f]{64}$`),
    );
    expect(second).toBe(first);
    expect(shop.products.ids(shop.connectionId)).toEqual(['prod_1', 'prod_2']);
  });

  it('splits a batch changing many records into messages no bigger than a crawled page, each with its own id', async () => {
    const ids = Array.from({ length: 250 }, (_, index) => `prod_${String(index).padStart(3, '0')}`);

    await shop.service.apply(
      ids.map((id) => shop.upsert(lamp(id))),
      nextStoreEventDelivery(),
    );

    expect(shop.publisher.published.map((message) => products(message).length)).toEqual([100, 100, 50]);
    expect(new Set(shop.messageIds()).size).toBe(3);
    expect([...shop.pushed().keys()].sort()).toEqual(ids);
    expect(shop.journal).toEqual(['read:250', 'mirror:250']);
  });

  describe('applied together or one by one, the same result', () => {
    const recordIds = ['p1', 'p2', 'p3'];
    const idArbitrary = fc.constantFrom(...recordIds);
    const full = fc.record({
      id: idArbitrary,
      title: fc.constantFrom('Lamp', 'Desk lamp', 'Floor lamp'),
      selling_price: fc.constantFrom('9.90', '19.90'),
    });
    const partial = fc.record(
      {
        id: idArbitrary,
        title: fc.constantFrom('Lamp', 'Desk lamp'),
        selling_price: fc.constantFrom('9.90', '29.90'),
        stock: fc.integer({ min: 0, max: 3 }),
        colour: fc.constantFrom('black', 'white'),
      },
      { requiredKeys: ['id'] },
    );
    type Step = { kind: 'full' | 'partial'; data: Record<string, unknown> } | { kind: 'delete'; id: string };
    const step: fc.Arbitrary<Step> = fc.oneof(
      full.map((data) => ({
        kind: 'full' as const,
        data: { ...data, permalink: `${BASE_URL}/p/${data.id}` },
      })),
      partial.map((data) => ({ kind: 'partial' as const, data })),
      idArbitrary.map((id) => ({ kind: 'delete' as const, id })),
    );

    function eventsOf(harness: Harness, steps: readonly Step[], connectionId: string): StoreRecordEvent[] {
      return steps.map((current) =>
        current.kind === 'delete'
          ? harness.delete(current.id, connectionId)
          : harness.upsert(current.data, connectionId),
      );
    }

    it('gives the same mirror and the same last state pushed for every record, another connection untouched', async () => {
      await fc.assert(
        fc.asyncProperty(fc.subarray(recordIds), fc.array(step, { maxLength: 30 }), async (held, steps) => {
          const oneByOne = new Harness();
          const together = new Harness();
          for (const harness of [oneByOne, together]) {
            // Both connections of each harness hold the same records before the run.
            for (const connectionId of [harness.connectionId, harness.otherConnectionId]) {
              await harness.service.apply(
                held.map((id) => harness.upsert(lamp(id), connectionId)),
                nextStoreEventDelivery(),
              );
            }
          }
          const otherBefore = together.rowsOf(together.otherConnectionId);
          together.journal.length = 0;
          const publishedBefore = together.publisher.published.length;

          for (const event of eventsOf(oneByOne, steps, oneByOne.connectionId)) {
            await oneByOne.service.apply([event], nextStoreEventDelivery());
          }
          await together.service.apply(
            eventsOf(together, steps, together.connectionId),
            nextStoreEventDelivery(),
          );

          expect(together.rowsOf(together.connectionId)).toEqual(oneByOne.rowsOf(oneByOne.connectionId));
          expect(together.pushed()).toEqual(oneByOne.pushed());
          expect(together.publisher.published.length - publishedBefore).toBeLessThanOrEqual(1);
          expect(together.journal.filter((entry) => entry.startsWith('read:')).length).toBeLessThanOrEqual(1);
          expect(together.rowsOf(together.otherConnectionId)).toEqual(otherBefore);
        }),
        { numRuns: 300, ...REPLAY },
      );
    });
  });
});
