import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  DeadLettersReplayRequestedEvent,
  OrdersChangedEvent,
  ProductsChangedEvent,
  StoreProductEventReceivedEvent,
  SubjectPayloads,
  SyncRequestedEvent,
} from './events';
import { Subjects } from './subjects';

const connectionId = '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f';
const product = {
  id: 'prod_1',
  name: 'Lamp',
  categories: [],
  tags: [],
  images: [],
  url: 'https://shop.test/p/1',
};

describe('message payloads', () => {
  it('maps every subject to a payload class', () => {
    expect(Object.keys(SubjectPayloads).sort()).toEqual(Object.values(Subjects).sort());
  });

  it('accepts a well-formed sync request', () => {
    const event = plainToInstance(SyncRequestedEvent, { connectionId, trigger: 'activate' });
    expect(validateSync(event)).toEqual([]);
  });

  it.each([
    ['an unknown trigger', { connectionId, trigger: 'whenever' }, 'trigger'],
    ['a connection id that is not a uuid', { connectionId: '42', trigger: 'manual' }, 'connectionId'],
  ])('rejects a sync request with %s', (_label, body, property) => {
    const errors = validateSync(plainToInstance(SyncRequestedEvent, body));
    expect(errors.map((e) => e.property)).toEqual([property]);
  });

  it('accepts a dead-letter replay request for everything or for one connection and entity', () => {
    expect(validateSync(plainToInstance(DeadLettersReplayRequestedEvent, { filter: {} }))).toEqual([]);
    expect(
      validateSync(
        plainToInstance(DeadLettersReplayRequestedEvent, {
          filter: { connectionId, entity: 'orders', limit: 10 },
        }),
      ),
    ).toEqual([]);
  });

  it('rejects a dead-letter replay request without a filter, or with an unknown entity, a bad id or a limit under 1', () => {
    expect(validateSync(plainToInstance(DeadLettersReplayRequestedEvent, {})).map((e) => e.property)).toEqual(
      ['filter'],
    );
    const [error] = validateSync(
      plainToInstance(DeadLettersReplayRequestedEvent, {
        filter: { connectionId: '42', entity: 'customers', limit: 0 },
      }),
    );
    expect(error.children?.map((child) => child.property).sort()).toEqual([
      'connectionId',
      'entity',
      'limit',
    ]);
  });

  it('validates nested products of a change batch', () => {
    const event = plainToInstance(ProductsChangedEvent, {
      connectionId,
      syncRunId: connectionId,
      page: 1,
      products: [product, { ...product, name: '' }],
      deletedIds: [],
    });
    const [error] = validateSync(event);
    expect(error.property).toBe('products');
    expect(error.children?.[0].property).toBe('1');
  });

  it('accepts a store webhook change, which belongs to no sync run', () => {
    const event = plainToInstance(ProductsChangedEvent, {
      connectionId,
      syncRunId: null,
      page: 0,
      products: [product],
      deletedIds: [],
    });
    expect(validateSync(event)).toEqual([]);
  });

  it('validates nested orders of a change batch, down to their lines', () => {
    const order = { id: 'ord_1', items: [{ productId: 'prod_1', quantity: 2, price: 9.5 }] };
    const valid = plainToInstance(OrdersChangedEvent, {
      connectionId,
      syncRunId: null,
      page: 0,
      orders: [order],
      deletedIds: ['ord_0'],
    });
    expect(validateSync(valid)).toEqual([]);
    const invalid = plainToInstance(OrdersChangedEvent, {
      connectionId,
      syncRunId: connectionId,
      page: 1,
      orders: [order, { ...order, items: [{ quantity: -1 }] }],
      deletedIds: [],
    });
    const [error] = validateSync(invalid);
    expect(error.property).toBe('orders');
    expect(error.children?.[0].property).toBe('1');
  });

  it('accepts a received store product event with partial data', () => {
    const event = plainToInstance(StoreProductEventReceivedEvent, {
      connectionId,
      event: 'product.updated',
      data: { id: 'prod_1', price: '9.99' },
      receivedAt: '2026-11-23T12:00:00.000Z',
    });
    expect(validateSync(event)).toEqual([]);
  });

  it('validates the later webhooks of a merged store product event', () => {
    const merged = {
      connectionId,
      event: 'product.updated',
      data: { id: 'prod_1' },
      receivedAt: '2026-11-23T12:00:00.000Z',
      later: [{ event: 'product.deleted', data: { id: 'prod_2' }, receivedAt: '2026-11-23T12:00:01.000Z' }],
    };
    expect(validateSync(plainToInstance(StoreProductEventReceivedEvent, merged))).toEqual([]);

    const [error] = validateSync(
      plainToInstance(StoreProductEventReceivedEvent, {
        ...merged,
        later: [...merged.later, { event: 'product.renamed', data: {}, receivedAt: merged.receivedAt }],
      }),
    );
    expect(error.property).toBe('later');
    expect(error.children?.[0].property).toBe('1');
  });

  it.each([
    ['an unknown event', { event: 'product.renamed', data: {} }, 'event'],
    ['data that is not an object', { event: 'product.updated', data: 'prod_1' }, 'data'],
  ])('rejects a received store product event with %s', (_label, body, property) => {
    const errors = validateSync(
      plainToInstance(StoreProductEventReceivedEvent, {
        connectionId,
        receivedAt: '2026-11-23T12:00:00.000Z',
        ...body,
      }),
    );
    expect(errors.map((e) => e.property)).toEqual([property]);
  });
});
