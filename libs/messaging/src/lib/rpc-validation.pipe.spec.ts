import { ArgumentMetadata } from '@nestjs/common';
import { ProductsChangedEvent, SyncRequestedEvent } from '@storebridge/contracts';
import { InvalidPayloadException } from './messaging.errors';
import { RpcValidationPipe } from './rpc-validation.pipe';

const connectionId = '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f';
const product = {
  id: 'prod_1',
  name: 'Lamp',
  categories: [],
  tags: [],
  images: [],
  url: 'https://shop.test/p/1',
};

function payloadOf<T>(metatype: new () => T): ArgumentMetadata {
  return { type: 'body', metatype };
}

async function rejection(promise: Promise<unknown>): Promise<InvalidPayloadException> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof InvalidPayloadException)) {
    throw new Error(`expected an InvalidPayloadException, got ${String(error)}`);
  }
  return error;
}

describe('RpcValidationPipe', () => {
  const pipe = new RpcValidationPipe();

  it('turns a valid payload into its contract class and strips unknown properties', async () => {
    const event: unknown = await pipe.transform(
      { connectionId, trigger: 'manual', injected: true },
      payloadOf(SyncRequestedEvent),
    );

    expect(event).toBeInstanceOf(SyncRequestedEvent);
    expect(event).toEqual({ connectionId, trigger: 'manual' });
  });

  it('rejects an invalid payload with every flattened constraint message, nested paths included', async () => {
    const body = {
      connectionId,
      syncRunId: connectionId,
      page: -1,
      products: [product, { ...product, name: '' }],
      deletedIds: [],
    };

    const error = await rejection(pipe.transform(body, payloadOf(ProductsChangedEvent)));

    // In no particular order: class-validator walks a subclass's own properties before its base class's.
    expect([...error.messages].sort()).toEqual([
      'page must not be less than 0',
      'products.1.name should not be empty',
    ]);
  });

  it('rejects a payload that is not an object', async () => {
    const error = await rejection(pipe.transform('activate', payloadOf(SyncRequestedEvent)));

    expect(error.messages.length).toBeGreaterThan(0);
  });
});
