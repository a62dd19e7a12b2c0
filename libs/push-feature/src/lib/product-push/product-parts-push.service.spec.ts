import { Logger } from '@nestjs/common';
import type { NormalizedProduct, NormalizedVariation, ProductsChangedEvent } from '@storebridge/contracts';
import { hashedIdCandidate } from '@storebridge/push-persistence';
import { toShopimindImageId, toVariationMappingKey } from '@storebridge/shopimind-mapping';
import { FakePushWorld } from '../../test/fakes';
import { PRODUCT_ENTITY } from '../push-target/push-target.service';
import { ProductPushService } from './product-push.service';
import { PRODUCT_VARIATION_ENTITY } from './variation-ids';

const image = (name: string) => `https://cdn.example.com/${name}.jpg`;

function aProduct(variations: NormalizedVariation[], images: string[]): NormalizedProduct {
  return {
    id: 'prod_1',
    name: 'Tee',
    categories: [],
    tags: [],
    images,
    url: 'https://shop.example.com/product/tee',
    ...(variations.length === 0 ? {} : { variations }),
  };
}

const variation = (id: string, price = 10): NormalizedVariation => ({ id, price, stockQuantity: 2 });

describe('ProductPushService variations and images', () => {
  let world: FakePushWorld;
  let service: ProductPushService;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    world = new FakePushWorld();
    service = new ProductPushService(world.pushTargets, world.idMappingRepository, world.productParts);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  function event(products: NormalizedProduct[], deletedIds: string[] = []): ProductsChangedEvent {
    return { connectionId: world.connection.id, syncRunId: null, page: 0, products, deletedIds };
  }

  async function numericId(entity: string, storeId: string): Promise<number> {
    const ids = await world.idMappings.numericIdsFor(world.installation.id, entity, [storeId]);
    return ids.get(storeId) as number;
  }

  // The id mappings' first candidate: variations pushed while they were mapped keep their ids.
  const variationId = (id: string) =>
    hashedIdCandidate(
      world.installation.id,
      PRODUCT_VARIATION_ENTITY,
      toVariationMappingKey('prod_1', id),
      0,
    );

  it('writes the variations and every image after their product, the first image the default', async () => {
    await service.pushProducts(
      event([aProduct([variation('v1'), variation('v2', 8)], [image('a'), image('b')])]),
    );

    expect(world.writer.methods()).toEqual(['saveProducts', 'saveProductVariations', 'saveProductImages']);
    const productId = await numericId(PRODUCT_ENTITY, 'prod_1');
    const [{ items: variations }] = world.writer.callsOf('saveProductVariations');
    expect(
      variations.map((item) => [item.product_id, item.variation_id, item.price, item.is_default]),
    ).toEqual([
      [String(productId), variationId('v1'), 10, true],
      [String(productId), variationId('v2'), 8, false],
    ]);
    const [{ items: images }] = world.writer.callsOf('saveProductImages');
    expect(images.map((item) => [item.image_id, item.url, item.is_default])).toEqual([
      [toShopimindImageId('prod_1', image('a')), image('a'), true],
      [toShopimindImageId('prod_1', image('b')), image('b'), false],
    ]);
    // The product is what its variations make it: their stock, the cheapest one's price.
    const [{ items: products }] = world.writer.callsOf('saveProducts');
    expect([products[0].quantity_remaining, products[0].price]).toEqual([4, 8]);
  });

  it('keeps the ids of variations from one push to the next', async () => {
    await service.pushProducts(event([aProduct([variation('v1')], [])]));
    await service.pushProducts(event([aProduct([variation('v1', 12)], [])]));

    const [first, second] = world.writer.callsOf('saveProductVariations');
    expect(second.items[0].variation_id).toBe(first.items[0].variation_id);
    expect(second.items[0].price).toBe(12);
  });

  it('deletes in ShopiMind the variations and images the store removed, through their product', async () => {
    await service.pushProducts(
      event([aProduct([variation('v1'), variation('v2')], [image('a'), image('b')])]),
    );
    world.writer.calls.length = 0;

    await service.pushProducts(event([aProduct([variation('v1')], [image('b')])]));

    const productId = await numericId(PRODUCT_ENTITY, 'prod_1');
    expect(world.writer.callsOf('deleteProductVariations')).toEqual([
      { method: 'deleteProductVariations', productId, ids: [variationId('v2')] },
    ]);
    expect(world.writer.callsOf('deleteProductImages')).toEqual([
      { method: 'deleteProductImages', productId, ids: [toShopimindImageId('prod_1', image('a'))] },
    ]);
    // Nothing is deleted twice.
    world.writer.calls.length = 0;
    await service.pushProducts(event([aProduct([variation('v1')], [image('b')])]));
    expect(world.writer.methods()).toEqual(['saveProducts', 'saveProductVariations', 'saveProductImages']);
  });

  it('deletes every variation of a product left without any, in chunks of the SDK size', async () => {
    const many = Array.from({ length: 120 }, (_, index) => variation(`v${index}`));
    await service.pushProducts(event([aProduct(many, [])]));
    world.writer.calls.length = 0;

    await service.pushProducts(event([aProduct([], [])]));

    expect(world.writer.callsOf('deleteProductVariations').map((call) => call.ids.length)).toEqual([
      50, 50, 20,
    ]);
    expect(world.writer.callsOf('saveProductVariations')).toEqual([]);
    expect(world.pushedParts.rows.size).toBe(0);
  });

  it('keeps a delete ShopiMind refused and tries it again with the next push of the product', async () => {
    await service.pushProducts(event([aProduct([variation('v1'), variation('v2')], [])]));
    world.writer.calls.length = 0;
    // saveProducts, saveProductVariations, then the delete, refused.
    world.writer.outcomes.push(
      { kind: 'accepted', sentCount: 1, rejected: [] },
      { kind: 'accepted', sentCount: 1, rejected: [] },
      { kind: 'permanent', statusCode: 422, message: 'Unprocessable Entity' },
    );

    await service.pushProducts(event([aProduct([variation('v1')], [])]));
    world.writer.calls.length = 0;
    await service.pushProducts(event([aProduct([variation('v1')], [])]));

    expect(world.writer.callsOf('deleteProductVariations')).toEqual([
      expect.objectContaining({ ids: [variationId('v2')] }),
    ]);
  });

  it('fails the message when a delete cannot be made, and its redelivery deletes again', async () => {
    await service.pushProducts(event([aProduct([variation('v1'), variation('v2')], [])]));
    world.writer.outcomes.push(
      { kind: 'accepted', sentCount: 1, rejected: [] },
      { kind: 'accepted', sentCount: 1, rejected: [] },
      { kind: 'transient', statusCode: 503, message: 'Service Unavailable' },
    );
    const changed = event([aProduct([variation('v1')], [])]);

    await expect(service.pushProducts(changed)).rejects.toThrow(/will retry/);
    world.writer.calls.length = 0;
    await service.pushProducts(changed);

    expect(world.writer.callsOf('deleteProductVariations')).toEqual([
      expect.objectContaining({ ids: [variationId('v2')] }),
    ]);
  });

  it('forgets the parts of a deleted product, which ShopiMind deletes with it', async () => {
    await service.pushProducts(event([aProduct([variation('v1')], [image('a')])]));
    expect(world.pushedParts.rows.size).toBe(1);

    await service.pushProducts(event([], ['prod_1']));

    expect(world.writer.callsOf('deleteProductVariations')).toEqual([]);
    expect(world.pushedParts.rows.size).toBe(0);
  });
});
