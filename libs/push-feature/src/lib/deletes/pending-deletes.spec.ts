import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type {
  NormalizedOrder,
  NormalizedProduct,
  OrdersChangedEvent,
  ProductsChangedEvent,
} from '@storebridge/contracts';
import { SHOPIMIND_CHUNK_SIZES, type WriteOutcome } from '@storebridge/shopimind-client';
import { FAKE_PENDING_DELETE_FIRST_WAIT_MS, FakePushWorld } from '../../test/fakes';
import { OrderPushService } from '../order-push/order-push.service';
import { ProductPushService } from '../product-push/product-push.service';
import { PRODUCT_ENTITY } from '../push-target/push-target.service';

const refused: WriteOutcome = { kind: 'permanent', statusCode: 422, message: 'Unprocessable Entity' };
const unavailable: WriteOutcome = { kind: 'transient', statusCode: 503, message: 'Service Unavailable' };

function aProduct(id: string): NormalizedProduct {
  return {
    id,
    name: `Product ${id}`,
    categories: [],
    tags: [],
    images: [],
    url: `https://shop.example.com/${id}`,
  };
}

function anOrder(id: string): NormalizedOrder {
  return {
    id,
    orderNumber: `#${id}`,
    status: 'Processing',
    total: 30,
    currency: 'EUR',
    customerEmail: `${id}@example.com`,
    items: [],
  };
}

describe('deletes ShopiMind refuses or fails', () => {
  let world: FakePushWorld;
  let products: ProductPushService;
  let orders: OrderPushService;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    world = new FakePushWorld();
    products = new ProductPushService(world.pushTargets, world.idMappingRepository, world.productParts);
    orders = new OrderPushService(world.pushTargets, world.idMappingRepository, world.storeProducts);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  const productsEvent = (changed: NormalizedProduct[], deletedIds: string[] = []): ProductsChangedEvent => ({
    connectionId: world.connection.id,
    syncRunId: randomUUID(),
    page: 1,
    products: changed,
    deletedIds,
  });
  const ordersEvent = (changed: NormalizedOrder[], deletedIds: string[] = []): OrdersChangedEvent => ({
    connectionId: world.connection.id,
    syncRunId: null,
    page: 0,
    orders: changed,
    deletedIds,
  });

  async function numericIdOf(storeId: string): Promise<number> {
    const ids = await world.idMappings.numericIdsFor(world.installation.id, PRODUCT_ENTITY, [storeId]);
    return ids.get(storeId) as number;
  }

  const deletedProductIds = () => world.writer.callsOf('deleteProducts').flatMap((call) => call.ids);

  it('deletes 500 products in calls of at most the SDK chunk size', async () => {
    const gone = Array.from({ length: 500 }, (_, index) => `gone_${index}`);

    await products.pushProducts(productsEvent([], gone));

    const sizes = world.writer.callsOf('deleteProducts').map((call) => call.ids.length);
    expect(sizes).toHaveLength(Math.ceil(500 / SHOPIMIND_CHUNK_SIZES.products));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(SHOPIMIND_CHUNK_SIZES.products);
    expect(deletedProductIds().sort()).toEqual((await Promise.all(gone.map(numericIdOf))).sort());
  });

  it('keeps a refused product delete as pending, then retries it on a later push until ShopiMind accepts it', async () => {
    world.writer.outcomes.push(refused);

    await expect(products.pushProducts(productsEvent([], ['gone']))).resolves.toBeUndefined();
    expect(world.outcomes.statuses('products')).toEqual({ gone: 'delete_pending' });
    expect(world.outcomes.rows.get(`${world.connection.id}/products/gone`)?.reasons).toEqual([
      'HTTP 422: Unprocessable Entity',
    ]);

    // Too early: the refusal is not sent again at once.
    await products.pushProducts(productsEvent([aProduct('kept')]));
    expect(deletedProductIds()).toEqual([await numericIdOf('gone')]);

    world.outcomes.now += FAKE_PENDING_DELETE_FIRST_WAIT_MS;
    await products.pushProducts(productsEvent([aProduct('kept')]));

    expect(deletedProductIds()).toEqual([await numericIdOf('gone'), await numericIdOf('gone')]);
    expect(world.outcomes.statuses('products')).toEqual({ kept: 'accepted' });
  });

  it('waits twice as long after each refusal in a row', async () => {
    world.writer.outcomes.push(refused, refused);
    await products.pushProducts(productsEvent([], ['gone']));
    world.outcomes.now += FAKE_PENDING_DELETE_FIRST_WAIT_MS;
    await products.pushProducts(productsEvent([]));
    expect(deletedProductIds()).toHaveLength(2);

    world.outcomes.now += FAKE_PENDING_DELETE_FIRST_WAIT_MS;
    await products.pushProducts(productsEvent([]));
    expect(deletedProductIds()).toHaveLength(2);

    world.outcomes.now += FAKE_PENDING_DELETE_FIRST_WAIT_MS;
    await products.pushProducts(productsEvent([]));
    expect(deletedProductIds()).toHaveLength(3);
    expect(world.outcomes.statuses('products')).toEqual({});
  });

  it('keeps only the refused chunk pending when another chunk of the same delete went through', async () => {
    const gone = Array.from({ length: SHOPIMIND_CHUNK_SIZES.products + 10 }, (_, index) => `gone_${index}`);
    world.writer.outcomes.push(refused);

    await products.pushProducts(productsEvent([], gone));

    const pending = Object.keys(world.outcomes.statuses('products')).sort();
    expect(pending).toEqual(gone.slice(0, SHOPIMIND_CHUNK_SIZES.products).sort());
  });

  it('fails the message when a delete could not be made, so its redelivery deletes again (idempotent)', async () => {
    world.writer.outcomes.push(unavailable);
    const message = productsEvent([], ['gone']);

    await expect(products.pushProducts(message)).rejects.toThrow('transient');
    expect(world.outcomes.statuses('products')).toEqual({});

    await products.pushProducts(message);
    expect(deletedProductIds()).toEqual([await numericIdOf('gone'), await numericIdOf('gone')]);
  });

  it('does not retry the pending delete of a product the store lists again: its push is accepted instead', async () => {
    world.writer.outcomes.push(refused);
    await products.pushProducts(productsEvent([], ['back']));
    world.outcomes.now += FAKE_PENDING_DELETE_FIRST_WAIT_MS;

    await products.pushProducts(productsEvent([aProduct('back')]));

    expect(deletedProductIds()).toHaveLength(1);
    expect(world.outcomes.statuses('products')).toEqual({ back: 'accepted' });
  });

  it('keeps a refused order delete as pending and retries it on a later push of orders', async () => {
    world.writer.outcomes.push(refused);

    await orders.pushOrders(ordersEvent([], ['ord_gone']));
    expect(world.outcomes.statuses('orders')).toEqual({ ord_gone: 'delete_pending' });

    world.outcomes.now += FAKE_PENDING_DELETE_FIRST_WAIT_MS;
    await orders.pushOrders(ordersEvent([anOrder('ord_new')]));

    expect(world.writer.callsOf('deleteOrders').map((call) => call.ids)).toEqual([
      ['ord_gone'],
      ['ord_gone'],
    ]);
    expect(world.outcomes.statuses('orders')).toEqual({ ord_new: 'accepted' });
  });
});
