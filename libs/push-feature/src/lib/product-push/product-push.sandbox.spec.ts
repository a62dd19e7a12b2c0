import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { NormalizedProduct } from '@storebridge/contracts';
import { startShopimindSandbox, type ShopimindSandbox } from '@storebridge/shopimind-sandbox';
import { aPushWorldWritingTo, type FakePushOutcomes } from '../../test/fakes';
import { ProductPushService } from './product-push.service';

// The unit specs fake the writer; this one checks that the categories and products the mappers build are what
// the official SDK sends and what ShopiMind's validation (as the sandbox mirrors it) accepts.
describe('ProductPushService against the ShopiMind sandbox', () => {
  let sandbox: ShopimindSandbox;
  let installationId: string;
  let outcomes: FakePushOutcomes;
  let service: ProductPushService;
  let connectionId: string;
  let warnings: jest.SpyInstance;
  let errors: jest.SpyInstance;

  beforeAll(async () => {
    sandbox = await startShopimindSandbox();
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(() => {
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    sandbox.reset();
    const credentials = sandbox.createInstallation();
    sandbox.setActive(credentials.installationId, true);
    installationId = credentials.installationId;
    const world = aPushWorldWritingTo(sandbox.url, credentials.accessToken);
    outcomes = world.outcomes;
    connectionId = world.connection.id;
    service = new ProductPushService(world.pushTargets, world.idMappings, world.productParts);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  function aProduct(id: string, categories: string[]): NormalizedProduct {
    return {
      id,
      name: `Product ${id}`,
      price: 12.5,
      categories,
      tags: [],
      images: [],
      url: `https://shop.example.com/product/${id}`,
    };
  }

  it('writes the categories, then the products pointing at them, and ShopiMind accepts both', async () => {
    await service.pushProducts({
      connectionId,
      syncRunId: randomUUID(),
      page: 0,
      products: [
        aProduct('prod_1', ['Home', 'Kitchen']),
        aProduct('prod_2', [' kitchen', 'Sale']),
        aProduct('prod_3', []),
      ],
      deletedIds: [],
    });

    expect(
      sandbox
        .requestLog(installationId)
        .filter((entry) => entry.path !== '/v1/data-sources')
        .map((entry) => `${entry.method} ${entry.path} ${entry.status} ${entry.itemCount}`),
    ).toEqual(['POST /v1/products-categories 200 3', 'POST /v1/products 200 3']);
    // Nothing rejected or refused: settle would have logged it, and the ledger says so per product.
    expect(warnings).not.toHaveBeenCalled();
    expect(errors).not.toHaveBeenCalled();
    expect(outcomes.statuses('products')).toEqual({
      prod_1: 'accepted',
      prod_2: 'accepted',
      prod_3: 'accepted',
    });

    const categories = sandbox.productCategories(installationId);
    expect(categories.map((category) => [category['name'], category['lang'], category['link']])).toEqual([
      ['Home', 'fr', 'https://shop.example.com'],
      ['Kitchen', 'fr', 'https://shop.example.com'],
      ['Sale', 'fr', 'https://shop.example.com'],
    ]);
    const idOf = new Map(categories.map((category) => [category['name'], category['category_id']]));
    expect(
      sandbox.products(installationId).map((product) => [product['link'], product['category_ids']]),
    ).toEqual([
      ['https://shop.example.com/product/prod_1', [idOf.get('Home'), idOf.get('Kitchen')]],
      ['https://shop.example.com/product/prod_2', [idOf.get('Kitchen'), idOf.get('Sale')]],
      ['https://shop.example.com/product/prod_3', []],
    ]);
  });

  it('writes variations and images ShopiMind accepts, and deletes those the store removed', async () => {
    const black = {
      id: 'v1',
      name: 'Black / M',
      sku: 'TS-1',
      regularPrice: 25,
      salePrice: 20,
      stockQuantity: 3,
    };
    const white = { id: 'v2', price: 22, stockStatus: 'in_stock', image: 'https://cdn.example.com/v2.jpg' };
    const tee: NormalizedProduct = {
      ...aProduct('tee', []),
      images: ['https://cdn.example.com/a.jpg', 'https://cdn.example.com/b.jpg'],
      variations: [black, white],
    };
    const push = (product: NormalizedProduct) =>
      service.pushProducts({ connectionId, syncRunId: null, page: 0, products: [product], deletedIds: [] });

    await push(tee);

    expect(warnings).not.toHaveBeenCalled();
    expect(errors).not.toHaveBeenCalled();
    const [product] = sandbox.products(installationId);
    expect(
      sandbox
        .productVariations(installationId)
        .map((item) => [
          item['product_id'],
          item['name'],
          item['price'],
          item['price_discount'],
          item['is_default'],
        ]),
    ).toEqual([
      [product['product_id'], 'Black / M', 25, 20, true],
      [product['product_id'], 'Product tee', 22, null, false],
    ]);
    expect(sandbox.productImages(installationId).map((item) => [item['url'], item['is_default']])).toEqual([
      ['https://cdn.example.com/a.jpg', true],
      ['https://cdn.example.com/b.jpg', false],
    ]);

    await push({
      ...tee,
      images: ['https://cdn.example.com/b.jpg'],
      variations: [white],
    });

    expect(sandbox.productVariations(installationId).map((item) => item['image_link'])).toEqual([
      'https://cdn.example.com/v2.jpg',
    ]);
    expect(sandbox.productImages(installationId).map((item) => [item['url'], item['is_default']])).toEqual([
      ['https://cdn.example.com/b.jpg', true],
    ]);
    expect(errors).not.toHaveBeenCalled();
  });
});
