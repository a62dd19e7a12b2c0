import {
  PATTERN_EXTRAS_METADATA,
  PATTERN_METADATA,
  TRANSPORT_METADATA,
} from '@nestjs/microservices/constants';
import {
  mergeOrdersChanged,
  ordersChangedRecordCount,
  Subjects,
  type OrdersChangedEvent,
} from '@storebridge/contracts';
import { MESSAGING_TRANSPORT, MessagingContext, RetryLaterError } from '@storebridge/messaging';
import type { OrderPushService } from './order-push.service';
import type { PushDelivery } from '../push-target/push-target.service';
import { OrdersChangedHandler } from './orders-changed.handler';

const event: OrdersChangedEvent = {
  connectionId: '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f',
  syncRunId: null,
  page: 0,
  orders: [],
  deletedIds: ['ord_9'],
};

class FakeOrderPush implements Pick<OrderPushService, 'pushOrders'> {
  readonly events: OrdersChangedEvent[] = [];
  readonly deliveries: PushDelivery[] = [];
  outcome: () => Promise<void> = () => Promise.resolve();

  pushOrders(changed: OrdersChangedEvent, delivery: PushDelivery): Promise<void> {
    this.events.push(changed);
    this.deliveries.push(delivery);
    return this.outcome();
  }
}

describe('OrdersChangedHandler', () => {
  let orderPush: FakeOrderPush;
  let handler: OrdersChangedHandler;

  beforeEach(() => {
    orderPush = new FakeOrderPush();
    handler = new OrdersChangedHandler(orderPush as unknown as OrderPushService);
  });

  const delivered = (attempt: number) =>
    new MessagingContext([`storebridge.sync.orders.changed.v1.${event.connectionId}`, attempt, 12]);

  it('pushes the changed orders of the event', async () => {
    await handler.handle(event, delivered(1));

    expect(orderPush.events).toEqual([event]);
    expect(orderPush.deliveries).toEqual([{ attempt: 1 }]);
  });

  it('tells the push a redelivery from a first delivery', async () => {
    await handler.handle(event, delivered(3));

    expect(orderPush.deliveries).toEqual([{ attempt: 3 }]);
  });

  it('passes a retry-later request on to the transport unchanged', async () => {
    const retry = new RetryLaterError(30_000);
    orderPush.outcome = () => Promise.reject(retry);

    await expect(handler.handle(event, delivered(1))).rejects.toBe(retry);
  });

  it('listens to order changes on the bus, a few runs at a time, waiting messages merged up to four pages', () => {
    const method = OrdersChangedHandler.prototype.handle;

    expect(Reflect.getMetadata(PATTERN_METADATA, method)).toEqual([Subjects.ordersChanged]);
    expect(Reflect.getMetadata(TRANSPORT_METADATA, method)).toBe(MESSAGING_TRANSPORT);
    expect(Reflect.getMetadata(PATTERN_EXTRAS_METADATA, method)).toEqual({
      concurrency: 4,
      coalesce: { merge: mergeOrdersChanged, recordCount: ordersChangedRecordCount, maxRecords: 400 },
    });
  });
});
