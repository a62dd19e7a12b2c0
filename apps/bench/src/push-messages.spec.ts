import { randomUUID } from 'node:crypto';
import { ProductsChangedEvent } from '@storebridge/contracts';
import { demoProduct } from '@storebridge/demo-store';
import { RpcValidationPipe } from '@storebridge/messaging';
import { benchProduct, productsChangedMessages } from './push-messages';

describe('benchProduct', () => {
  it('is the demo store product, normalized', () => {
    const raw = demoProduct(42);

    expect(benchProduct(42)).toMatchObject({
      id: raw.id,
      name: raw.name,
      sku: raw.sku,
      categories: raw.categories,
      images: raw.images,
      url: raw.permalink,
    });
  });
});

describe('productsChangedMessages', () => {
  const connectionId = randomUUID();
  const syncRunId = randomUUID();

  it('publishes every product once, in pages of the given size, numbered from 1', () => {
    const messages = [...productsChangedMessages({ connectionId, syncRunId, products: 250, pageSize: 100 })];

    expect(messages.map(({ event }) => [event.page, event.products.length])).toEqual([
      [1, 100],
      [2, 100],
      [3, 50],
    ]);
    expect(messages.flatMap(({ event }) => event.products.map((product) => product.id))).toEqual(
      Array.from({ length: 250 }, (_, index) => demoProduct(index + 1).id),
    );
    expect(messages.map((message) => message.messageId)).toEqual([
      `${syncRunId}:products:1`,
      `${syncRunId}:products:2`,
      `${syncRunId}:products:3`,
    ]);
    expect(
      messages.every(({ event }) => event.connectionId === connectionId && event.deletedIds.length === 0),
    ).toBe(true);
  });

  it('builds payloads the push service accepts (its validation pipe, after a trip through JSON)', async () => {
    const [{ event }] = productsChangedMessages({ connectionId, syncRunId, products: 100, pageSize: 100 });

    const validated: unknown = await new RpcValidationPipe().transform(JSON.parse(JSON.stringify(event)), {
      type: 'body',
      metatype: ProductsChangedEvent,
    });

    expect(validated).toBeInstanceOf(ProductsChangedEvent);
    expect(validated).toEqual(event);
  });
});
