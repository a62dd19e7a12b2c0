import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { NormalizedOrder, NormalizedProduct } from '@storebridge/contracts';
import { toShopimindCustomerId } from '@storebridge/shopimind-mapping';
import { FakePushWorld } from '../../test/fakes';
import { OrderPushService } from '../order-push/order-push.service';
import { ProductPushService } from '../product-push/product-push.service';
import { CATEGORY_ENTITY } from '../push-target/push-target.service';

function anOrder(id: string, email: string, status: string): NormalizedOrder {
  return { id, orderNumber: `#${id}`, status, total: 30, currency: 'EUR', customerEmail: email, items: [] };
}

function aProduct(id: string, categories: string[]): NormalizedProduct {
  return { id, name: id, categories, tags: [], images: [], url: `https://shop.example.com/${id}` };
}

describe('what push keeps of derived records and of what points at them', () => {
  let world: FakePushWorld;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    world = new FakePushWorld();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  const rowOf = (entity: string, storeId: string) =>
    world.outcomes.rows.get(`${world.connection.id}/${entity}/${storeId}`);

  it('keeps the order statuses and customers ShopiMind accepted, and what each order points at', async () => {
    const service = new OrderPushService(world.pushTargets, world.idMappingRepository, world.storeProducts);

    await service.pushOrders({
      connectionId: world.connection.id,
      syncRunId: randomUUID(),
      page: 1,
      orders: [anOrder('o1', 'ann@example.com', 'Paid'), anOrder('o2', 'bob@example.com', 'Paid')],
      deletedIds: [],
    });

    const [status] = world.writer.callsOf('saveOrderStatuses')[0].items;
    const ann = toShopimindCustomerId('ann@example.com');
    const bob = toShopimindCustomerId('bob@example.com');
    expect(world.outcomes.statuses('order_statuses')).toEqual({ [status.status_id]: 'accepted' });
    expect(world.outcomes.statuses('customers')).toEqual({ [ann]: 'accepted', [bob]: 'accepted' });
    expect(rowOf('orders', 'o1')?.refs).toEqual({ order_statuses: [status.status_id], customers: [ann] });
  });

  it('does not keep a customer ShopiMind rejected', async () => {
    const service = new OrderPushService(world.pushTargets, world.idMappingRepository, world.storeProducts);
    world.writer.outcomes.push(
      { kind: 'accepted', sentCount: 1, rejected: [] },
      { kind: 'accepted', sentCount: 1, rejected: [{ index: 1, errors: ['email: invalid'] }] },
    );

    await service.pushOrders({
      connectionId: world.connection.id,
      syncRunId: null,
      page: 0,
      orders: [anOrder('o1', 'ann@example.com', 'Paid'), anOrder('o2', 'bob@example.com', 'Paid')],
      deletedIds: [],
    });

    expect(Object.keys(world.outcomes.statuses('customers'))).toEqual([
      toShopimindCustomerId('ann@example.com'),
    ]);
  });

  it('keeps the categories ShopiMind accepted, by ShopiMind id, and those each product points at', async () => {
    const service = new ProductPushService(world.pushTargets, world.idMappingRepository, world.productParts);

    await service.pushProducts({
      connectionId: world.connection.id,
      syncRunId: randomUUID(),
      page: 1,
      products: [aProduct('p1', ['Shoes', 'Sale'])],
      deletedIds: [],
    });

    const ids = await world.idMappings.numericIdsFor(world.installation.id, CATEGORY_ENTITY, [
      'shoes',
      'sale',
    ]);
    const categoryIds = [...ids.values()].map(String).sort();
    expect(Object.keys(world.outcomes.statuses('categories')).sort()).toEqual(categoryIds);
    expect(rowOf('products', 'p1')?.refs?.categories?.sort()).toEqual(categoryIds);
  });
});
