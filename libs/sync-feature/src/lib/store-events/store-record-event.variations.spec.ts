import { Logger } from '@nestjs/common';
import type {
  NormalizedOrder,
  NormalizedProduct,
  NormalizedVariation,
  OrdersChangedEvent,
  ProductsChangedEvent,
} from '@storebridge/contracts';
import { RecordingPublisher } from '@storebridge/messaging';
import { FakeStoreConnections, InMemoryMirror, nextStoreEventDelivery } from '../../test/fakes';
import { syncedOrders, syncedProducts } from '../synced-record-kinds';
import { StoreRecordEventService, type StoreRecordEvent } from './store-record-event.service';

const TEE = {
  id: 'prod_1',
  name: 'Tee',
  permalink: 'https://shop.test/p/tee',
  images: ['https://cdn.shop.test/tee.jpg'],
  variations: [
    { id: 'v1', sku: 'TEE-S', price: 10, stock_quantity: 3, attributes: { size: 'S' } },
    { id: 'v2', sku: 'TEE-M', price: 10, stock_quantity: 0, attributes: { size: 'M' } },
  ],
};

// A store webhook that changes one variation sends its product (spec §7): it takes the path of any product change,
// and push compares the variations it gets with those it sent (product-parts-push.service.spec.ts).
describe('StoreRecordEventService with variations', () => {
  let storeProducts: InMemoryMirror<NormalizedProduct>;
  let publisher: RecordingPublisher<ProductsChangedEvent | OrdersChangedEvent>;
  let service: StoreRecordEventService;
  let connectionId: string;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const connections = new FakeStoreConnections();
    storeProducts = new InMemoryMirror<NormalizedProduct>();
    publisher = new RecordingPublisher<ProductsChangedEvent | OrdersChangedEvent>();
    service = new StoreRecordEventService(connections.asService(), [
      syncedProducts(storeProducts, publisher),
      syncedOrders(new InMemoryMirror<NormalizedOrder>(), publisher),
    ]);
    connectionId = connections.add({
      baseUrl: 'https://shop.test',
      auth: { method: 'api_key', token: 'key' },
      fieldMappings: {},
    }).connection.id;
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  function upsert(data: Record<string, unknown>): StoreRecordEvent {
    return { connectionId, entity: 'products', action: 'upsert', data };
  }

  /** The variations of the product each published message carries. */
  function publishedVariations(): NormalizedVariation[][] {
    return publisher.published.map((message) =>
      (message.payload as ProductsChangedEvent).products.flatMap((product) => product.variations ?? []),
    );
  }

  it('publishes the product with its variations when one of them changes', async () => {
    await service.apply([upsert(TEE)], nextStoreEventDelivery());
    await service.apply(
      [
        upsert({
          id: 'prod_1',
          variations: [TEE.variations[0], { ...TEE.variations[1], stock_quantity: 5 }],
        }),
      ],
      nextStoreEventDelivery(),
    );

    expect(publishedVariations()).toEqual([
      [
        { id: 'v1', name: 'S', sku: 'TEE-S', price: 10, stockQuantity: 3, stockStatus: 'in_stock' },
        { id: 'v2', name: 'M', sku: 'TEE-M', price: 10, stockQuantity: 0, stockStatus: 'out_of_stock' },
      ],
      [
        { id: 'v1', name: 'S', sku: 'TEE-S', price: 10, stockQuantity: 3, stockStatus: 'in_stock' },
        { id: 'v2', name: 'M', sku: 'TEE-M', price: 10, stockQuantity: 5, stockStatus: 'in_stock' },
      ],
    ]);
    expect(storeProducts.record(connectionId, 'prod_1')?.name).toBe('Tee');
  });

  it('publishes the product without a variation the store removed', async () => {
    await service.apply([upsert(TEE)], nextStoreEventDelivery());
    await service.apply(
      [upsert({ id: 'prod_1', variations: [TEE.variations[0]] })],
      nextStoreEventDelivery(),
    );

    expect(publishedVariations()[1].map((variation) => variation.id)).toEqual(['v1']);
  });

  it('publishes nothing for an update that changes no variation', async () => {
    await service.apply([upsert(TEE)], nextStoreEventDelivery());
    await service.apply([upsert({ id: 'prod_1', variations: TEE.variations })], nextStoreEventDelivery());

    expect(publisher.published).toHaveLength(1);
  });
});
