import type { StoreOrderEventReceivedEvent, StoreProductEventReceivedEvent } from './events';
import {
  mergeStoreOrderEvents,
  mergeStoreProductEvents,
  storeOrderEventRecordCount,
  storeProductEventRecordCount,
} from './store-event-coalesce';

const connectionId = '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f';
const otherConnectionId = 'c2c2c2c2-0000-4000-8000-000000000002';

function productEvent(
  event: StoreProductEventReceivedEvent['event'],
  data: Record<string, unknown>,
  overrides: Partial<StoreProductEventReceivedEvent> = {},
): StoreProductEventReceivedEvent {
  return {
    connectionId,
    event,
    data,
    receivedAt: '2026-11-23T12:00:00.000Z',
    ...overrides,
  };
}

describe('mergeStoreProductEvents', () => {
  it('returns a single event unchanged', () => {
    const single = productEvent('product.updated', { id: 'p1', price: 9 });

    expect(mergeStoreProductEvents([single])).toBe(single);
  });

  it("keeps every webhook of one connection, in stream order, the first one's fields first", () => {
    const merged = mergeStoreProductEvents([
      productEvent('product.created', { id: 'p1', title: 'Lamp' }),
      productEvent('product.updated', { id: 'p1', price: 9 }, { receivedAt: '2026-11-23T12:00:01.000Z' }),
      productEvent('product.deleted', { id: 'p2' }, { receivedAt: '2026-11-23T12:00:02.000Z' }),
    ]);

    expect(merged).toEqual({
      connectionId,
      event: 'product.created',
      data: { id: 'p1', title: 'Lamp' },
      receivedAt: '2026-11-23T12:00:00.000Z',
      later: [
        { event: 'product.updated', data: { id: 'p1', price: 9 }, receivedAt: '2026-11-23T12:00:01.000Z' },
        { event: 'product.deleted', data: { id: 'p2' }, receivedAt: '2026-11-23T12:00:02.000Z' },
      ],
    });
  });

  it('flattens events merged before, keeping their order', () => {
    const first = mergeStoreProductEvents([
      productEvent('product.updated', { id: 'p1', price: 1 }),
      productEvent('product.updated', { id: 'p1', price: 2 }),
    ]);
    const second = mergeStoreProductEvents([
      productEvent('product.updated', { id: 'p1', price: 3 }),
      productEvent('product.updated', { id: 'p1', price: 4 }),
    ]);

    const merged = mergeStoreProductEvents([first, second]);

    expect([merged.data, ...(merged.later ?? []).map(({ data }) => data)]).toEqual([
      { id: 'p1', price: 1 },
      { id: 'p1', price: 2 },
      { id: 'p1', price: 3 },
      { id: 'p1', price: 4 },
    ]);
    expect(merged.later?.every((webhook) => !('connectionId' in webhook) && !('later' in webhook))).toBe(
      true,
    );
  });

  it('refuses the webhooks of two connections: they are handled one by one', () => {
    expect(() =>
      mergeStoreProductEvents([
        productEvent('product.updated', { id: 'p1' }),
        productEvent('product.updated', { id: 'p1' }, { connectionId: otherConnectionId }),
      ]),
    ).toThrow('one connection');
  });

  it.each<[string, unknown[]]>([
    ['nothing', []],
    [
      'a later list that is not a list',
      [productEvent('product.updated', { id: 'p1' }), { connectionId, later: 'p2' }],
    ],
  ])('refuses to merge %s', (_label, events) => {
    expect(() => mergeStoreProductEvents(events as StoreProductEventReceivedEvent[])).toThrow();
  });
});

describe('mergeStoreOrderEvents', () => {
  it('keeps every order webhook of one connection, in stream order', () => {
    const order = (
      event: StoreOrderEventReceivedEvent['event'],
      id: string,
    ): StoreOrderEventReceivedEvent => ({
      connectionId,
      event,
      data: { id },
      receivedAt: '2026-11-23T12:00:00.000Z',
    });

    const merged = mergeStoreOrderEvents([order('order.created', 'o1'), order('order.deleted', 'o1')]);

    expect(merged).toEqual({
      ...order('order.created', 'o1'),
      later: [{ event: 'order.deleted', data: { id: 'o1' }, receivedAt: '2026-11-23T12:00:00.000Z' }],
    });
    expect(() =>
      mergeStoreOrderEvents([
        order('order.created', 'o1'),
        { ...order('order.created', 'o2'), connectionId: otherConnectionId },
      ]),
    ).toThrow('one connection');
  });
});

describe('store event record counts', () => {
  it('counts one record per webhook a message carries', () => {
    const single = productEvent('product.updated', { id: 'p1' });
    const merged = mergeStoreProductEvents([single, single, single]);

    expect(storeProductEventRecordCount(single)).toBe(1);
    expect(storeProductEventRecordCount(merged)).toBe(3);
    expect(storeOrderEventRecordCount({ ...single, event: 'order.updated', later: [] })).toBe(1);
  });

  it('cannot tell for a later list that is not a list', () => {
    expect(() =>
      storeProductEventRecordCount({ ...productEvent('product.updated', {}), later: 'x' as never }),
    ).toThrow('not a list');
  });
});
