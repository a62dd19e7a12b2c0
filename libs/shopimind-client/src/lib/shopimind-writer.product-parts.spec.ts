import { SpmProductsImages, SpmProductsVariations } from '@shopimind/sdk-shopimind';
import {
  sandboxProductFixture,
  startShopimindSandbox,
  type SandboxCredentials,
  type ShopimindSandbox,
} from '@storebridge/shopimind-sandbox';
import type {
  ShopimindProduct,
  ShopimindProductImage,
  ShopimindProductVariation,
} from '@storebridge/shopimind-mapping';
import { ShopimindWriter } from './shopimind-writer';

const variation = (productId: number, variationId: number): ShopimindProductVariation => ({
  product_id: String(productId),
  variation_id: variationId,
  name: `Size ${variationId}`,
  lang: 'en',
  link: 'https://shop.example.com/product/tee',
  price: 10,
  quantity_remaining: 1,
  is_default: variationId === 1,
});

const image = (productId: number, imageId: string): ShopimindProductImage => ({
  product_id: String(productId),
  image_id: imageId,
  lang: 'en',
  variation_id: null,
  url: `https://cdn.example.com/${imageId}.jpg`,
  is_default: imageId === 'img-1',
});

describe('ShopimindWriter variations and images', () => {
  let sandbox: ShopimindSandbox;
  let credentials: SandboxCredentials;
  let writer: ShopimindWriter;

  beforeAll(async () => {
    sandbox = await startShopimindSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(async () => {
    sandbox.reset();
    credentials = sandbox.createInstallation();
    sandbox.setActive(credentials.installationId, true);
    writer = new ShopimindWriter(credentials.accessToken, sandbox.url);
    await writer.saveProducts([
      sandboxProductFixture({ product_id: 7 }) as unknown as ShopimindProduct,
      sandboxProductFixture({ product_id: 8 }) as unknown as ShopimindProduct,
    ]);
  });

  function calls(path: string): number[] {
    return sandbox
      .requestLog(credentials.installationId)
      .filter((entry) => entry.path === path)
      .map((entry) => entry.itemCount);
  }

  it('saves the variations of several products in calls of at most the SDK chunk size, one outcome each', async () => {
    const items = [
      ...Array.from({ length: 70 }, (_, index) => variation(7, index + 1)),
      ...Array.from({ length: 50 }, (_, index) => variation(8, index + 1)),
    ];

    const outcomes = await writer.saveProductVariations(items);

    const size = SpmProductsVariations.CHUNK_SIZE;
    expect(calls('/v1/products/variations/bulk')).toEqual([size, size, 120 - 2 * size]);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(sandbox.productVariations(credentials.installationId)).toHaveLength(120);
  });

  it("deletes one product's variations in chunks, leaving the other product's", async () => {
    await writer.saveProductVariations([
      ...Array.from({ length: 60 }, (_, index) => variation(7, index + 1)),
      variation(8, 1),
    ]);

    const chunks = await writer.deleteProductVariations(
      7,
      Array.from({ length: 60 }, (_, index) => index + 1),
    );

    expect(calls('/v1/products/7/variations/bulk-delete')).toEqual([50, 10]);
    expect(chunks.map((chunk) => [chunk.ids.length, chunk.outcome.kind])).toEqual([
      [50, 'accepted'],
      [10, 'accepted'],
    ]);
    expect(sandbox.productVariations(credentials.installationId).map((item) => item['product_id'])).toEqual([
      8,
    ]);
  });

  it('saves and deletes images the same way', async () => {
    const ids = Array.from({ length: 55 }, (_, index) => `img-${index + 1}`);
    await writer.saveProductImages(ids.map((id) => image(7, id)));

    await writer.deleteProductImages(7, ids.slice(1));

    expect(calls('/v1/products/images/bulk')).toEqual([SpmProductsImages.CHUNK_SIZE, 5]);
    expect(calls('/v1/products/7/images/bulk-delete')).toEqual([50, 4]);
    expect(sandbox.productImages(credentials.installationId).map((item) => item['image_id'])).toEqual([
      'img-1',
    ]);
  });

  it('makes no call for nothing to save or delete', async () => {
    expect(await writer.saveProductVariations([])).toEqual([]);
    expect(await writer.deleteProductImages(7, [])).toEqual([]);
    expect(calls('/v1/products/variations/bulk')).toEqual([]);
  });
});
