import { PATTERN_EXTRAS_METADATA, PATTERN_METADATA } from '@nestjs/microservices/constants';
import {
  isPartitionedSubject,
  mergeStoreOrderEvents,
  mergeStoreProductEvents,
  storeOrderEventRecordCount,
  storeProductEventRecordCount,
  Subjects,
  type StoreProductEventReceivedEvent,
} from '@storebridge/contracts';
import { MessagingContext } from '@storebridge/messaging';
import { StoreEventHandlers } from './store-event.handlers';
import type {
  StoreEventDelivery,
  StoreRecordEvent,
  StoreRecordEventService,
} from './store-record-event.service';

const connectionId = '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f';
const otherConnectionId = 'c2c2c2c2-0000-4000-8000-000000000002';
const receivedAt = '2026-11-23T12:00:00.000Z';

/** The stream sequence of the (first) message a handler gets. */
const SEQUENCE = 41;

function deliveredAt(sequence: number): MessagingContext {
  return new MessagingContext([Subjects.storeProductEventReceived, 1, sequence]);
}

describe('StoreEventHandlers', () => {
  let runs: StoreRecordEvent[][];
  let deliveries: StoreEventDelivery[];
  let handlers: StoreEventHandlers;

  beforeEach(() => {
    runs = [];
    deliveries = [];
    const service: Pick<StoreRecordEventService, 'apply'> = {
      apply: async (events, delivery) => {
        runs.push([...events]);
        deliveries.push(delivery);
      },
    };
    handlers = new StoreEventHandlers(service as StoreRecordEventService);
  });

  it('listens to the product and order webhook subjects, one queue per connection', () => {
    const patternOf = (method: keyof StoreEventHandlers) =>
      Reflect.getMetadata(PATTERN_METADATA, StoreEventHandlers.prototype[method]);

    expect(patternOf('handleProductEvent')).toEqual([Subjects.storeProductEventReceived]);
    expect(patternOf('handleOrderEvent')).toEqual([Subjects.storeOrderEventReceived]);
    expect(isPartitionedSubject(Subjects.storeProductEventReceived)).toBe(true);
    expect(isPartitionedSubject(Subjects.storeOrderEventReceived)).toBe(true);
  });

  it("merges a connection's waiting webhooks into one run at a time per replica", () => {
    const extrasOf = (method: keyof StoreEventHandlers) =>
      Reflect.getMetadata(PATTERN_EXTRAS_METADATA, StoreEventHandlers.prototype[method]);

    expect(extrasOf('handleProductEvent')).toEqual({
      concurrency: 1,
      coalesce: {
        merge: mergeStoreProductEvents,
        recordCount: storeProductEventRecordCount,
        maxRecords: 500,
      },
    });
    expect(extrasOf('handleOrderEvent')).toEqual({
      concurrency: 1,
      coalesce: { merge: mergeStoreOrderEvents, recordCount: storeOrderEventRecordCount, maxRecords: 500 },
    });
  });

  it.each([
    ['product.created', 'upsert'],
    ['product.updated', 'upsert'],
    ['product.deleted', 'delete'],
  ] as const)('applies a %s webhook to the products as an %s', async (event, action) => {
    await handlers.handleProductEvent(
      { connectionId, event, data: { id: 'p' }, receivedAt },
      deliveredAt(SEQUENCE),
    );

    expect(runs).toEqual([[{ connectionId, entity: 'products', action, data: { id: 'p' } }]]);
  });

  it.each([
    ['order.created', 'upsert'],
    ['order.updated', 'upsert'],
    ['order.deleted', 'delete'],
  ] as const)('applies a %s webhook to the orders as an %s', async (event, action) => {
    await handlers.handleOrderEvent(
      { connectionId, event, data: { id: 'o' }, receivedAt },
      deliveredAt(SEQUENCE),
    );

    expect(runs).toEqual([[{ connectionId, entity: 'orders', action, data: { id: 'o' } }]]);
  });

  it('applies the webhooks of a merged message as one run, in stream order', async () => {
    const webhook = (event: StoreProductEventReceivedEvent['event'], id: string) => ({
      connectionId,
      event,
      data: { id },
      receivedAt,
    });

    await handlers.handleProductEvent(
      mergeStoreProductEvents([
        webhook('product.created', 'p1'),
        webhook('product.updated', 'p2'),
        webhook('product.deleted', 'p1'),
      ]),
      deliveredAt(SEQUENCE),
    );

    expect(runs).toEqual([
      [
        { connectionId, entity: 'products', action: 'upsert', data: { id: 'p1' } },
        { connectionId, entity: 'products', action: 'upsert', data: { id: 'p2' } },
        { connectionId, entity: 'products', action: 'delete', data: { id: 'p1' } },
      ],
    ]);
    // The batch is named by its first message, so a redelivery of the same messages publishes under the same ids.
    expect(deliveries).toEqual([{ sequence: SEQUENCE }]);
  });

  // Messages published before the subjects were partitioned wait on the subject itself, one queue for every
  // connection, which the transport still serves: a run of them mixing connections is not merged, so each is
  // handled on its own, unmerged, as before.
  it('never merges the webhooks of two connections: each is handled on its own', async () => {
    const waitingBeforeUpgrade = [
      { connectionId, event: 'order.updated' as const, data: { id: 'o1' }, receivedAt },
      { connectionId: otherConnectionId, event: 'order.updated' as const, data: { id: 'o1' }, receivedAt },
    ];
    expect(() => mergeStoreOrderEvents(waitingBeforeUpgrade)).toThrow('one connection');

    for (const message of waitingBeforeUpgrade) {
      await handlers.handleOrderEvent(message, deliveredAt(SEQUENCE));
    }

    expect(runs.map((run) => run.map((event) => event.connectionId))).toEqual([
      [connectionId],
      [otherConnectionId],
    ]);
  });
});
