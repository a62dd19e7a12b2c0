import {
  PATTERN_EXTRAS_METADATA,
  PATTERN_METADATA,
  TRANSPORT_METADATA,
} from '@nestjs/microservices/constants';
import {
  mergeProductsChanged,
  productsChangedRecordCount,
  ProductsChangedEvent,
  Subjects,
} from '@storebridge/contracts';
import {
  MESSAGING_TRANSPORT,
  MessagingContext,
  RetryLaterError,
  RpcValidationPipe,
} from '@storebridge/messaging';
import type { ProductPushService } from './product-push.service';
import type { PushDelivery } from '../push-target/push-target.service';
import { ProductsChangedHandler } from './products-changed.handler';

const event: ProductsChangedEvent = {
  connectionId: '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f',
  syncRunId: '0d6c1f0e-9a55-4d7b-8f43-2b7e3f1c2a90',
  page: 2,
  products: [],
  deletedIds: ['prod_9'],
};

class FakeProductPush implements Pick<ProductPushService, 'pushProducts'> {
  readonly events: ProductsChangedEvent[] = [];
  readonly deliveries: PushDelivery[] = [];
  outcome: () => Promise<void> = () => Promise.resolve();

  pushProducts(changed: ProductsChangedEvent, delivery: PushDelivery): Promise<void> {
    this.events.push(changed);
    this.deliveries.push(delivery);
    return this.outcome();
  }
}

describe('ProductsChangedEvent validation of variations', () => {
  const pipe = new RpcValidationPipe();
  const metadata = { type: 'body', metatype: ProductsChangedEvent } as const;
  const withVariations = (variations: unknown[]) => ({
    ...event,
    deletedIds: [],
    products: [
      {
        id: 'prod_1',
        name: 'Tee',
        categories: [],
        tags: [],
        images: [],
        url: 'https://shop.test/p/tee',
        variations,
      },
    ],
  });

  it('accepts a product with variations and keeps them', async () => {
    const variation = { id: 'v1', price: 10, stockQuantity: 2, image: 'https://cdn.shop.test/v1.jpg' };

    const validated = (await pipe.transform(withVariations([variation]), metadata)) as ProductsChangedEvent;

    expect(validated.products[0].variations).toEqual([variation]);
  });

  it.each([
    ['without id', { price: 10 }],
    ['with a fractional stock', { id: 'v1', stockQuantity: 1.5 }],
    ['with a relative image', { id: 'v1', image: '/v1.jpg' }],
  ])('refuses a variation %s', async (_label, variation) => {
    await expect(pipe.transform(withVariations([variation]), metadata)).rejects.toThrow();
  });
});

describe('ProductsChangedHandler', () => {
  let productPush: FakeProductPush;
  let handler: ProductsChangedHandler;

  beforeEach(() => {
    productPush = new FakeProductPush();
    handler = new ProductsChangedHandler(productPush as unknown as ProductPushService);
  });

  const delivered = (attempt: number) =>
    new MessagingContext([`storebridge.sync.products.changed.v1.${event.connectionId}`, attempt, 12]);

  it('pushes the changed products of the event', async () => {
    await handler.handle(event, delivered(1));

    expect(productPush.events).toEqual([event]);
    expect(productPush.deliveries).toEqual([{ attempt: 1 }]);
  });

  it('tells the push a redelivery from a first delivery', async () => {
    await handler.handle(event, delivered(3));

    expect(productPush.deliveries).toEqual([{ attempt: 3 }]);
  });

  it('passes a retry-later request on to the transport unchanged', async () => {
    const retry = new RetryLaterError(30_000);
    productPush.outcome = () => Promise.reject(retry);

    await expect(handler.handle(event, delivered(1))).rejects.toBe(retry);
  });

  it('listens to product changes on the bus, a few runs at a time, waiting messages merged up to four pages', () => {
    const method = ProductsChangedHandler.prototype.handle;

    expect(Reflect.getMetadata(PATTERN_METADATA, method)).toEqual([Subjects.productsChanged]);
    expect(Reflect.getMetadata(TRANSPORT_METADATA, method)).toBe(MESSAGING_TRANSPORT);
    expect(Reflect.getMetadata(PATTERN_EXTRAS_METADATA, method)).toEqual({
      concurrency: 4,
      coalesce: { merge: mergeProductsChanged, recordCount: productsChangedRecordCount, maxRecords: 400 },
    });
  });
});
