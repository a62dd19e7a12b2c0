import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { NormalizedOrder, OrdersChangedEvent } from '@storebridge/contracts';
import type { WriteOutcome } from '@storebridge/shopimind-client';
import { accepted, FakePushWorld } from '../../test/fakes';
import { OrderPushService } from './order-push.service';

const unavailable: WriteOutcome = { kind: 'transient', statusCode: 503, message: 'Service Unavailable' };

function anOrder(index: number, overrides: Partial<NormalizedOrder> = {}): NormalizedOrder {
  return {
    id: `ord_${index}`,
    orderNumber: `#${1000 + index}`,
    status: 'Processing',
    total: 30,
    currency: 'EUR',
    customerEmail: `customer${index}@example.com`,
    customerName: `Customer ${index}`,
    // Dated: an undated order's customer is dated by the run, so its content changes with every run.
    createdAt: '2026-03-01T10:00:00.000Z',
    items: [],
    ...overrides,
  };
}

// Issue #17: a redelivered message wrote again the orders and customers ShopiMind had accepted.
describe('OrderPushService on a redelivered message', () => {
  let world: FakePushWorld;
  let service: OrderPushService;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    world = new FakePushWorld();
    service = new OrderPushService(world.pushTargets, world.idMappingRepository, world.storeProducts);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  function anEvent(orders: NormalizedOrder[]): OrdersChangedEvent {
    return { connectionId: world.connection.id, syncRunId: randomUUID(), page: 1, orders, deletedIds: [] };
  }

  const orderWrites = () =>
    world.writer
      .callsOf('saveOrders')
      .flatMap((call) => call.items)
      .map((order) => order.order_id);
  const customerWrites = () => world.writer.callsOf('saveCustomers').flatMap((call) => call.items);

  it('writes neither the customers nor the orders ShopiMind accepted, only those of the failed batch', async () => {
    const orders = Array.from({ length: 60 }, (_, index) => anOrder(index));
    // The order status, both batches of customers and the first batch of orders go through; the second fails.
    world.writer.outcomes.push(accepted(1), accepted(50), accepted(10), accepted(50), unavailable);
    await expect(service.pushOrders(anEvent(orders))).rejects.toMatchObject({
      name: 'DependencyUnavailableError',
    });

    await service.pushOrders(anEvent(orders), { attempt: 2 });

    expect(customerWrites()).toHaveLength(60);
    const ordersSent = orderWrites();
    expect(ordersSent).toHaveLength(70);
    expect(new Set(ordersSent.slice(60))).toEqual(new Set(orders.slice(50).map((order) => order.id)));
    expect(Object.values(world.outcomes.statuses('orders'))).toEqual(Array(60).fill('accepted'));
  });

  it('writes again a customer whose content changed since ShopiMind accepted it', async () => {
    const orders = Array.from({ length: 60 }, (_, index) => anOrder(index));
    world.writer.outcomes.push(accepted(1), accepted(50), accepted(10), accepted(50), unavailable);
    await expect(service.pushOrders(anEvent(orders))).rejects.toBeDefined();
    const renamed = [{ ...orders[0], customerName: 'Customer Zero' }, ...orders.slice(1)];

    await service.pushOrders(anEvent(renamed), { attempt: 2 });

    const customerCalls = world.writer.callsOf('saveCustomers');
    expect(customerCalls).toHaveLength(3);
    expect(customerCalls[2].items.map((customer) => customer.last_name)).toEqual(['Zero']);
    expect(customerWrites()).toHaveLength(61);
  });
});
