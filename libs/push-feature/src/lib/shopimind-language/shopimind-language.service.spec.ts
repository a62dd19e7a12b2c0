import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type {
  NormalizedOrder,
  NormalizedProduct,
  OrdersChangedEvent,
  ProductsChangedEvent,
} from '@storebridge/contracts';
import { RetryLaterError } from '@storebridge/messaging';
import type {
  AdvisoryLockRepository,
  LockOutcome,
  StoreConnectionEntity,
  StoreConnectionRepository,
  StoreProductReader,
} from '@storebridge/persistence';
import type { PushOutcomeRepository } from '@storebridge/push-persistence';
import { FakePushWorld } from '../../test/fakes';
import { LANGUAGE_REPLACEMENT_RETRY_MS, ShopimindLanguageService } from './shopimind-language.service';
import { OrderPushService } from '../order-push/order-push.service';
import { ProductPushService } from '../product-push/product-push.service';

/** The connection rows push reads, and the language ShopiMind holds, moved on like the repository does. */
class LanguageConnections implements Pick<StoreConnectionRepository, 'findById' | 'replaceShopimindLang'> {
  constructor(private readonly rows: Map<string, StoreConnectionEntity>) {}

  async findById(id: string): Promise<StoreConnectionEntity | null> {
    return this.rows.get(id) ?? null;
  }

  async replaceShopimindLang(id: string, from: string, to: string): Promise<boolean> {
    const row = this.rows.get(id);
    if (row?.shopimindLang !== from) {
      return false;
    }
    row.shopimindLang = to;
    return true;
  }
}

class MirrorHolding implements Pick<StoreProductReader, 'findIdsAndCategoryNames'> {
  constructor(
    readonly productIds: string[],
    readonly categoryNames: string[],
  ) {}

  async findIdsAndCategoryNames(): Promise<{ productIds: string[]; categoryNames: string[] }> {
    return { productIds: [...this.productIds], categoryNames: [...this.categoryNames] };
  }
}

/** One process's locks: a key held stays refused until its work ends. */
class InProcessLocks implements Pick<AdvisoryLockRepository, 'tryWithLock'> {
  readonly held = new Set<string>();

  async tryWithLock<T>(key: string, work: () => Promise<T>): Promise<LockOutcome<T>> {
    if (this.held.has(key)) {
      return { acquired: false };
    }
    this.held.add(key);
    try {
      return { acquired: true, result: await work() };
    } finally {
      this.held.delete(key);
    }
  }
}

function aProduct(id: string, categories: string[]): NormalizedProduct {
  return {
    id,
    name: `Product ${id}`,
    price: 10,
    categories,
    tags: [],
    images: [],
    url: `https://shop.example.com/product/${id}`,
  };
}

describe('ShopimindLanguageService, through ProductPushService', () => {
  let world: FakePushWorld;
  let locks: InProcessLocks;
  let service: ProductPushService;
  let orders: OrderPushService;
  let connection: StoreConnectionEntity;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    world = new FakePushWorld();
    connection = world.connection;
    locks = new InProcessLocks();
    const languages = new ShopimindLanguageService(
      new LanguageConnections(world.connections.rows) as unknown as StoreConnectionRepository,
      new MirrorHolding(
        ['prod_1', 'prod_2', 'prod_9'],
        ['Shoes', ' shoes', 'Hats', ''],
      ) as unknown as StoreProductReader,
      world.idMappingRepository,
      world.outcomes as unknown as PushOutcomeRepository,
      locks as unknown as AdvisoryLockRepository,
      world.pushTargets,
      world.productParts,
    );
    service = new ProductPushService(
      world.pushTargets,
      world.idMappingRepository,
      world.productParts,
      languages,
    );
    orders = new OrderPushService(
      world.pushTargets,
      world.idMappingRepository,
      world.storeProducts,
      languages,
    );
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  function event(products: NormalizedProduct[]): ProductsChangedEvent {
    return { connectionId: connection.id, syncRunId: randomUUID(), page: 1, products, deletedIds: [] };
  }

  function ordersEvent(changed: NormalizedOrder[]): OrdersChangedEvent {
    return { connectionId: connection.id, syncRunId: randomUUID(), page: 1, orders: changed, deletedIds: [] };
  }

  it("deletes the old language's order statuses too, before an order push writes any in the new one", async () => {
    await world.outcomes.recordDerived(connection.id, 'order_statuses', ['completed', 'processing']);
    connection.shopimindLang = 'fr';
    connection.lang = 'de';

    await orders.pushOrders(
      ordersEvent([{ id: 'o1', status: 'completed', customerEmail: 'ada@example.com', items: [] }]),
    );

    const methods = world.writer.methods();
    expect(methods.slice(0, 3)).toEqual(['deleteProducts', 'deleteProductCategories', 'deleteOrderStatuses']);
    const [deletedStatuses] = world.writer.callsOf('deleteOrderStatuses');
    expect(deletedStatuses.ids).toEqual(['completed', 'processing']);
    const [savedStatuses] = world.writer.callsOf('saveOrderStatuses');
    expect(savedStatuses.items.map((status) => [status.status_id, status.lang])).toEqual([
      ['completed', 'de'],
    ]);
    expect(connection.shopimindLang).toBe('de');
  });

  it('deletes every product and category of the old language before writing anything in the new one', async () => {
    connection.shopimindLang = 'fr';
    connection.lang = 'de';

    await service.pushProducts(event([aProduct('prod_1', ['Shoes'])]));

    const methods = world.writer.methods();
    expect(methods.slice(0, 2)).toEqual(['deleteProducts', 'deleteProductCategories']);
    expect(methods).toContain('saveProducts');
    const [deletedProducts, deletedCategories] = world.writer.calls;
    expect(deletedProducts).toMatchObject({ method: 'deleteProducts', ids: expect.any(Array) });
    expect(deletedProducts.method === 'deleteProducts' && deletedProducts.ids).toHaveLength(3);
    // "Shoes" and " shoes" are one category; a blank name none.
    expect(deletedCategories.method === 'deleteProductCategories' && deletedCategories.ids).toHaveLength(2);
    const [saved] = world.writer.callsOf('saveProducts');
    expect(saved.items.map((item) => item.lang)).toEqual(['de']);
    expect(connection.shopimindLang).toBe('de');
  });

  it('deletes once: the next message of the new language is only written', async () => {
    connection.shopimindLang = 'fr';
    connection.lang = 'de';
    await service.pushProducts(event([aProduct('prod_1', [])]));
    world.writer.calls.length = 0;

    await service.pushProducts(event([aProduct('prod_2', [])]));

    expect(world.writer.methods()).not.toContain('deleteProducts');
  });

  it("deletes nothing when ShopiMind holds the products in the connection's language", async () => {
    connection.shopimindLang = 'de';
    connection.lang = 'de';

    await service.pushProducts(event([aProduct('prod_1', ['Shoes'])]));

    expect(world.writer.methods()).not.toContain('deleteProducts');
    expect(world.writer.methods()).not.toContain('deleteProductCategories');
  });

  it("writes nothing while another run deletes the old language's rows, and asks to be tried again", async () => {
    connection.shopimindLang = 'fr';
    connection.lang = 'de';
    locks.held.add(`shopimind-lang:${connection.id}`);

    const error: unknown = await service
      .pushProducts(event([aProduct('prod_1', [])]))
      .catch((reason: unknown) => reason);

    expect(error).toBeInstanceOf(RetryLaterError);
    expect((error as RetryLaterError).delayMs).toBe(LANGUAGE_REPLACEMENT_RETRY_MS);
    expect(world.writer.calls).toEqual([]);
    expect(connection.shopimindLang).toBe('fr');
  });
});
