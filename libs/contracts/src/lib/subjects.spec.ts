import {
  isPartitionedSubject,
  partitionedSubject,
  partitionKeyIn,
  partitionsOf,
  publishSubject,
  Subjects,
} from './subjects';

const connectionId = '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f';
const change = { connectionId, syncRunId: null, page: 0, deletedIds: [] };

describe('partitioned subjects', () => {
  it('publishes the changes sync sends push on the queue of their connection', () => {
    expect(publishSubject(Subjects.productsChanged, { ...change, products: [] })).toBe(
      `storebridge.sync.products.changed.v1.${connectionId}`,
    );
    expect(publishSubject(Subjects.ordersChanged, { ...change, orders: [] })).toBe(
      `storebridge.sync.orders.changed.v1.${connectionId}`,
    );
  });

  it('publishes the store webhooks the gateway hands sync on the queue of their connection', () => {
    const webhook = { connectionId, data: { id: 'p1' }, receivedAt: '2026-11-23T12:00:00.000Z' };

    expect(publishSubject(Subjects.storeProductEventReceived, { ...webhook, event: 'product.updated' })).toBe(
      `storebridge.store.products.event.v1.${connectionId}`,
    );
    expect(publishSubject(Subjects.storeOrderEventReceived, { ...webhook, event: 'order.updated' })).toBe(
      `storebridge.store.orders.event.v1.${connectionId}`,
    );
  });

  it('publishes the other subjects on the subject itself', () => {
    expect(publishSubject(Subjects.syncRequested, { connectionId, trigger: 'manual' })).toBe(
      Subjects.syncRequested,
    );
    expect(isPartitionedSubject(Subjects.syncRequested)).toBe(false);
    expect(isPartitionedSubject(Subjects.productsChanged)).toBe(true);
  });

  it('does not take a partition for a partitioned subject', () => {
    expect(isPartitionedSubject(partitionedSubject(Subjects.productsChanged, connectionId))).toBe(false);
  });

  it('reads the key back from a partition subject, and from nothing else', () => {
    const partition = partitionedSubject(Subjects.productsChanged, connectionId);

    expect(partitionKeyIn(Subjects.productsChanged, partition)).toBe(connectionId);
    expect(partitionKeyIn(Subjects.ordersChanged, partition)).toBeUndefined();
    expect(partitionKeyIn(Subjects.productsChanged, Subjects.productsChanged)).toBeUndefined();
    expect(partitionKeyIn(Subjects.productsChanged, `${partition}.more`)).toBeUndefined();
    expect(partitionKeyIn(Subjects.productsChanged, `${Subjects.productsChanged}.`)).toBeUndefined();
  });

  it('matches every partition of a subject with one wildcard token', () => {
    expect(partitionsOf(Subjects.ordersChanged)).toBe('storebridge.sync.orders.changed.v1.*');
  });

  it.each([
    ['empty', ''],
    ['with a dot', 'shop.1'],
    ['a wildcard', '*'],
    ['a tail wildcard', '>'],
    ['with whitespace', 'shop 1'],
  ])('rejects a key that is not one safe NATS token: %s', (_label, key) => {
    expect(() => partitionedSubject(Subjects.productsChanged, key)).toThrow(/letters, digits, dashes/);
    expect(() =>
      publishSubject(Subjects.productsChanged, { ...change, connectionId: key, products: [] }),
    ).toThrow(/letters, digits, dashes/);
  });
});
