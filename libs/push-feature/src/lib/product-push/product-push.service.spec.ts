import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { NormalizedProduct, ProductsChangedEvent } from '@storebridge/contracts';
import { RetryLaterError } from '@storebridge/messaging';
import type { InstallationEntity, StoreConnectionEntity } from '@storebridge/persistence';
import type { WriteOutcome } from '@storebridge/shopimind-client';
import type { ShopimindProduct, ShopimindProductCategory } from '@storebridge/shopimind-mapping';
import {
  accepted,
  FAKE_DATA_SOURCE_ID,
  FakePushWorld,
  type FakeIdMappings,
  type FakeTargets,
} from '../../test/fakes';
import { CATEGORY_ENTITY, INACTIVE_RETRY_MS, PRODUCT_ENTITY } from '../push-target/push-target.service';
import { CATEGORY_BATCH_SIZE, PRODUCT_BATCH_SIZE, ProductPushService } from './product-push.service';

function aProduct(index: number, overrides: Partial<NormalizedProduct> = {}): NormalizedProduct {
  return {
    id: `prod_${index}`,
    name: `Product ${index}`,
    price: 10 + index,
    categories: [],
    tags: [],
    images: [`https://shop.example.com/img/${index}.jpg`],
    url: `https://shop.example.com/product/${index}`,
    ...overrides,
  };
}

const PART_METHODS: ReadonlySet<string> = new Set([
  'saveProductVariations',
  'saveProductImages',
  'deleteProductVariations',
  'deleteProductImages',
]);

// ---------------------------------------------------------------------------------------------------------------

describe('ProductPushService.pushProducts', () => {
  let world: FakePushWorld;
  let idMappings: FakeIdMappings;
  let targets: FakeTargets;
  let service: ProductPushService;
  let installation: InstallationEntity;
  let connection: StoreConnectionEntity;
  let warnings: jest.SpyInstance;
  let errors: jest.SpyInstance;

  beforeEach(() => {
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    world = new FakePushWorld();
    ({ idMappings, targets, installation, connection } = world);
    service = new ProductPushService(world.pushTargets, world.idMappingRepository, world.productParts);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  function event(products: NormalizedProduct[], deletedIds: string[] = []): ProductsChangedEvent {
    return { connectionId: connection.id, syncRunId: randomUUID(), page: 3, products, deletedIds };
  }

  function products(count: number): NormalizedProduct[] {
    return Array.from({ length: count }, (_, index) => aProduct(index + 1));
  }

  /** The writes of products, categories and deletes; variations and images: product-parts-push.service.spec.ts. */
  function recordMethods(): string[] {
    return targets.writer.methods().filter((method) => !PART_METHODS.has(method));
  }

  function saved(): ShopimindProduct[][] {
    return targets.writer.callsOf('saveProducts').map((call) => call.items);
  }

  function savedCategories(): ShopimindProductCategory[][] {
    return targets.writer.callsOf('saveProductCategories').map((call) => call.items);
  }

  /** The store ids mapped for one entity type, per call. */
  function mappedStoreIds(entityType: string): Array<readonly string[]> {
    return idMappings.calls.filter((call) => call.entityType === entityType).map((call) => call.storeIds);
  }

  async function retryLater(promise: Promise<void>): Promise<RetryLaterError> {
    const error: unknown = await promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(RetryLaterError);
    return error as RetryLaterError;
  }

  // Connection and installation checks are PushTargetService's (push-target.service.spec.ts); these show the
  // product push goes through them before any id mapping or write.
  describe('before writing', () => {
    it('drops the products of a removed connection without writing anything', async () => {
      const removed = randomUUID();

      await expect(
        service.pushProducts({ ...event(products(3)), connectionId: removed }),
      ).resolves.toBeUndefined();

      expect(targets.calls).toEqual([]);
      expect(idMappings.calls).toEqual([]);
      expect(targets.writer.calls).toEqual([]);
      expect(warnings).toHaveBeenCalledWith(expect.stringContaining(removed));
    });

    it('asks to retry later while the installation is not active, before mapping ids', async () => {
      installation.status = 'inactive';

      const error = await retryLater(service.pushProducts(event(products(3))));

      expect(error.delayMs).toBe(INACTIVE_RETRY_MS);
      expect(idMappings.calls).toEqual([]);
      expect(targets.writer.calls).toEqual([]);
    });
  });

  describe('saving', () => {
    it(`writes in batches of ${PRODUCT_BATCH_SIZE}, in order`, async () => {
      await service.pushProducts(event(products(120)));

      const batches = saved();
      expect(batches.map((batch) => batch.length)).toEqual([50, 50, 20]);
      expect(batches.flat().map((item) => item.name)).toEqual(products(120).map((product) => product.name));
      expect(recordMethods().every((method) => method === 'saveProducts')).toBe(true);
    });

    it('sends the numeric id of each product from the id mapping of its installation', async () => {
      const known = await idMappings.numericIdsFor(installation.id, 'product', ['prod_2']);

      await service.pushProducts(event(products(120)));

      expect(idMappings.calls).toContainEqual({
        installationId: installation.id,
        entityType: PRODUCT_ENTITY,
        storeIds: products(120).map((product) => product.id),
      });
      const items = saved().flat();
      expect(items[1].product_id).toBe(known.get('prod_2'));
      const mapped = await idMappings.numericIdsFor(
        installation.id,
        'product',
        products(120).map((product) => product.id),
      );
      expect(items.map((item) => item.product_id)).toEqual(
        products(120).map((product) => mapped.get(product.id)),
      );
      expect(new Set(items.map((item) => item.product_id)).size).toBe(120);
    });

    it('sends the language and currency of the connection and the data source of the target', async () => {
      await service.pushProducts(event([aProduct(1, { price: 15, regularPrice: 20, sku: 'SKU-1' })]));

      const [[item]] = saved();
      expect(item).toMatchObject({
        lang: 'de',
        currency: 'CHF',
        id_data_source: FAKE_DATA_SOURCE_ID,
        name: 'Product 1',
        reference: 'SKU-1',
        price: 20,
        price_discount: 15,
        link: 'https://shop.example.com/product/1',
        image_link: 'https://shop.example.com/img/1.jpg',
      });
    });

    it('gives one timestamp to every product without dates', async () => {
      const before = Date.now();
      await service.pushProducts(event(products(60)));

      const items = saved().flat();
      const stamps = new Set(items.flatMap((item) => [item.created_at, item.updated_at]));
      expect(stamps.size).toBe(1);
      const [stamp] = stamps;
      expect(Date.parse(String(stamp))).toBeGreaterThanOrEqual(before - 1);
    });
  });

  describe('categories', () => {
    /** `count` products, product k in categories `Category k` and `Shared`. */
    function categorized(count: number): NormalizedProduct[] {
      return Array.from({ length: count }, (_, index) =>
        aProduct(index + 1, { categories: [`Category ${index + 1}`, 'Shared'] }),
      );
    }

    it('writes the categories before the products that point at them', async () => {
      await service.pushProducts(event(categorized(2), ['gone_1']));

      expect(recordMethods()).toEqual(['saveProductCategories', 'saveProducts', 'deleteProducts']);
    });

    it('writes no categories for products without any', async () => {
      await service.pushProducts(event(products(3)));

      expect(recordMethods()).toEqual(['saveProducts']);
    });

    it(`sends at most ${CATEGORY_BATCH_SIZE} categories per call, reference data`, async () => {
      await service.pushProducts(event(categorized(249)));

      expect(savedCategories().map((batch) => batch.length)).toEqual([100, 100, 50]);
      expect(saved().map((batch) => batch.length)).toEqual([50, 50, 50, 50, 49]);
      expect(recordMethods().slice(0, 3)).toEqual(Array(3).fill('saveProductCategories'));
    });

    it('sends each category once, named by its first spelling, leaving blank names out', async () => {
      await service.pushProducts(
        event([
          aProduct(1, { categories: ['Shoes', 'Summer Sale'] }),
          aProduct(2, { categories: [' shoes', '', 'SHOES ', '  '] }),
          aProduct(3, { categories: ['summer  sale', 'Bags'] }),
        ]),
      );

      expect(mappedStoreIds(CATEGORY_ENTITY)).toEqual([['shoes', 'summer sale', 'bags']]);
      expect(
        savedCategories()
          .flat()
          .map((category) => category.name),
      ).toEqual(['Shoes', 'Summer Sale', 'Bags']);
    });

    it('gives each category the numeric id of its key in the id mapping of the installation', async () => {
      const known = await idMappings.numericIdsFor(installation.id, CATEGORY_ENTITY, ['bags', 'shoes']);

      await service.pushProducts(event([aProduct(1, { categories: ['Shoes', 'Bags'] })]));

      expect(
        savedCategories()
          .flat()
          .map((category) => [category.name, category.category_id]),
      ).toEqual([
        ['Shoes', known.get('shoes')],
        ['Bags', known.get('bags')],
      ]);
      expect(idMappings.calls).toContainEqual({
        installationId: installation.id,
        entityType: CATEGORY_ENTITY,
        storeIds: ['shoes', 'bags'],
      });
    });

    it('sends the language of the connection, its store as link and the data source of the target', async () => {
      await service.pushProducts(event([aProduct(1, { categories: ['  Shoes '] })]));

      const [[category]] = savedCategories();
      expect(category).toEqual({
        category_id: expect.any(Number),
        lang: 'de',
        name: 'Shoes',
        description: '',
        parent_category_id: null,
        link: 'https://shop.example.com',
        is_active: true,
        created_at: saved()[0][0].created_at,
        updated_at: saved()[0][0].created_at,
        id_data_source: FAKE_DATA_SOURCE_ID,
      });
    });

    it('has every product point at the ids of its categories', async () => {
      await service.pushProducts(
        event([
          aProduct(1, { categories: ['Shoes', 'Bags'] }),
          aProduct(2, { categories: ['bags', 'BAGS', ''] }),
          aProduct(3),
        ]),
      );

      const ids = new Map(
        savedCategories()
          .flat()
          .map((category) => [category.name, category.category_id]),
      );
      expect(saved()[0].map((item) => item.category_ids)).toEqual([
        [ids.get('Shoes'), ids.get('Bags')],
        [ids.get('Bags')],
        [],
      ]);
      expect(new Set(ids.values()).size).toBe(2);
    });

    it('keeps the id of a category name across messages, whatever its spelling', async () => {
      await service.pushProducts(event([aProduct(1, { categories: ['Shoes'] })]));
      await service.pushProducts(event([aProduct(2, { categories: ['Bags', ' SHOES'] })]));

      const [[shoes], [bags, shoesAgain]] = savedCategories();
      // Each message names a category by its own wording; the id stays.
      expect([shoes.name, bags.name, shoesAgain.name]).toEqual(['Shoes', 'Bags', 'SHOES']);
      expect(shoesAgain.category_id).toBe(shoes.category_id);
      expect(bags.category_id).not.toBe(shoes.category_id);
      const [, [product]] = saved();
      expect(product.category_ids).toEqual([bags.category_id, shoes.category_id]);
    });

    it('looks the id of a category up once, a mapping never changing', async () => {
      await service.pushProducts(event([aProduct(1, { categories: ['Shoes'] })]));
      await service.pushProducts(event([aProduct(2, { categories: ['shoes', 'Bags'] })]));
      await service.pushProducts(event([aProduct(3, { categories: ['Bags'] })]));

      expect(mappedStoreIds(CATEGORY_ENTITY)).toEqual([['shoes'], ['bags']]);
      const idOf = new Map(
        savedCategories()
          .flat()
          .map((category) => [category.name.toLowerCase(), category.category_id]),
      );
      expect(saved().map(([product]) => product.category_ids)).toEqual([
        [idOf.get('shoes')],
        [idOf.get('shoes'), idOf.get('bags')],
        [idOf.get('bags')],
      ]);
      expect(idOf.get('shoes')).not.toBe(idOf.get('bags'));
    });

    it('does not send again a category ShopiMind accepted for an earlier message', async () => {
      await service.pushProducts(event([aProduct(1, { categories: ['Shoes'] })]));
      await service.pushProducts(event([aProduct(2, { categories: ['Shoes', 'Bags'] })]));

      expect(savedCategories().map((call) => call.map((category) => category.name))).toEqual([
        ['Shoes'],
        ['Bags'],
      ]);
      expect(saved()).toHaveLength(2);
    });

    it('sends again a category ShopiMind rejected', async () => {
      targets.writer.outcomes.push({
        kind: 'accepted',
        sentCount: 2,
        rejected: [{ index: 0, errors: ['name is invalid'] }],
      });
      await service.pushProducts(event([aProduct(1, { categories: ['Shoes', 'Bags'] })]));
      await service.pushProducts(event([aProduct(2, { categories: ['Shoes', 'Bags'] })]));

      expect(savedCategories().map((call) => call.map((category) => category.name))).toEqual([
        ['Shoes', 'Bags'],
        ['Shoes'],
      ]);
    });
  });

  describe('deleting', () => {
    it('deletes the mapped numeric ids after saving the changed products', async () => {
      const known = await idMappings.numericIdsFor(installation.id, 'product', ['gone_1', 'gone_2']);

      await service.pushProducts(event(products(2), ['gone_1', 'gone_2']));

      expect(recordMethods()).toEqual(['saveProducts', 'deleteProducts']);
      expect(targets.writer.callsOf('deleteProducts')[0]).toEqual({
        method: 'deleteProducts',
        ids: [known.get('gone_1'), known.get('gone_2')],
      });
      expect(mappedStoreIds(PRODUCT_ENTITY).at(-1)).toEqual(['prod_1', 'prod_2', 'gone_1', 'gone_2']);
    });

    it('only deletes when the event has no changed products', async () => {
      await service.pushProducts(event([], ['gone_1']));

      expect(targets.writer.calls).toEqual([{ method: 'deleteProducts', ids: [expect.any(Number)] }]);
    });

    it('does not call delete without deleted ids', async () => {
      await service.pushProducts(event(products(2)));

      expect(recordMethods()).toEqual(['saveProducts']);
    });
  });

  describe('write outcomes', () => {
    it('asks to retry later when ShopiMind says the installation is not active', async () => {
      targets.writer.outcomes.push({ kind: 'not_active' });

      const error = await retryLater(service.pushProducts(event(products(120))));

      expect(error.delayMs).toBe(INACTIVE_RETRY_MS);
      // The three batches of 120 products were in flight together; the redelivery sends them all again.
      expect(targets.writer.calls).toHaveLength(3);
    });

    it.each<WriteOutcome>([
      { kind: 'rate_limited' },
      { kind: 'transient', statusCode: 503, message: 'Service Unavailable' },
    ])('throws on a $kind outcome so the transport redelivers the message', async (outcome) => {
      targets.writer.outcomes.push(accepted(50), outcome);

      const failure = service.pushProducts(event(products(120)));

      await expect(failure).rejects.toThrow(outcome.kind);
      await expect(failure).rejects.not.toBeInstanceOf(RetryLaterError);
      // Side by side: the third batch went too, and the message fails only once all three are over.
      expect(targets.writer.calls).toHaveLength(3);
    });

    it('asks to retry later, writing no product, when ShopiMind says so on the categories', async () => {
      targets.writer.outcomes.push({ kind: 'not_active' });

      const error = await retryLater(service.pushProducts(event([aProduct(1, { categories: ['Shoes'] })])));

      expect(error.delayMs).toBe(INACTIVE_RETRY_MS);
      expect(recordMethods()).toEqual(['saveProductCategories']);
    });

    it('throws on a rate-limited category write before any product is written', async () => {
      targets.writer.outcomes.push({ kind: 'rate_limited' });

      await expect(service.pushProducts(event([aProduct(1, { categories: ['Shoes'] })]))).rejects.toThrow(
        /product categories.*rate_limited/,
      );
      expect(recordMethods()).toEqual(['saveProductCategories']);
    });

    it('still writes the products when the categories are refused for good, and logs it', async () => {
      targets.writer.outcomes.push({ kind: 'permanent', statusCode: 422, message: 'Unprocessable Entity' });

      await service.pushProducts(event([aProduct(1, { categories: ['Shoes'] })]));

      expect(recordMethods()).toEqual(['saveProductCategories', 'saveProducts']);
      expect(errors).toHaveBeenCalledWith(
        expect.stringMatching(/refused product categories .*HTTP 422 Unprocessable Entity/),
      );
    });

    it('throws when the delete is rate limited', async () => {
      targets.writer.outcomes.push(accepted(1), { kind: 'rate_limited' });

      await expect(service.pushProducts(event(products(1), ['gone']))).rejects.toThrow('rate_limited');
    });

    it('does not throw on a permanent refusal: redelivering cannot help; the other batches still go', async () => {
      targets.writer.outcomes.push({ kind: 'permanent', statusCode: 422, message: 'Unprocessable Entity' });

      await expect(service.pushProducts(event(products(120)))).resolves.toBeUndefined();

      expect(saved().map((batch) => batch.length)).toEqual([50, 50, 20]);
      expect(errors).toHaveBeenCalledWith(expect.stringMatching(/HTTP 422 Unprocessable Entity/));
    });

    it('does not throw when ShopiMind accepts the batch but rejects some items, and logs them', async () => {
      targets.writer.outcomes.push({
        kind: 'accepted',
        sentCount: 1,
        rejected: [{ index: 1, errors: ['price must be a number'] }],
      });

      await expect(service.pushProducts(event(products(2)))).resolves.toBeUndefined();

      expect(warnings).toHaveBeenCalledWith(
        expect.stringMatching(/rejected 1 products.*#1 price must be a number/),
      );
    });
  });
});
