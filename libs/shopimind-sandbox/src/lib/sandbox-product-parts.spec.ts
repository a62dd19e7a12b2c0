import {
  SpmClient,
  SpmHttpClient,
  SpmProductData,
  SpmProducts,
  SpmProductsImages,
  SpmProductsVariations,
  type SpmBulkProductImageData,
  type SpmBulkProductVariationData,
  type SpmProductVariationData,
} from '@shopimind/sdk-shopimind';
import { sandboxProductFixture } from './sandbox-fixtures';
import { ShopimindSandbox, startShopimindSandbox } from './sandbox.server';
import { PRODUCT_IMAGE_SCHEMA, PRODUCT_VARIATION_SCHEMA, validateObject } from './sandbox-validation';

function variation(overrides: Partial<SpmBulkProductVariationData> = {}): SpmBulkProductVariationData {
  return {
    product_id: '5',
    variation_id: 51,
    name: 'Black / M',
    lang: 'en',
    reference: 'TS-BLK-M',
    link: 'https://shop.example.com/product/tee',
    image_link: 'https://cdn.example.com/black.jpg',
    price: 25,
    price_discount: 20,
    quantity_remaining: 4,
    is_default: true,
    ...overrides,
  };
}

function image(overrides: Partial<SpmBulkProductImageData> = {}): SpmBulkProductImageData {
  return {
    product_id: '5',
    image_id: 'img-a',
    lang: 'en',
    variation_id: null,
    url: 'https://cdn.example.com/a.jpg',
    is_default: true,
    ...overrides,
  };
}

describe('sandbox product variations and images', () => {
  let sandbox: ShopimindSandbox;

  beforeAll(async () => {
    sandbox = await startShopimindSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  function client(accessToken: string): SpmHttpClient {
    return SpmClient.getClient('v1', accessToken, {
      baseUrl: sandbox.url,
      labelSource: null,
      retry: false,
      timeout: 5_000,
    });
  }

  /** An active shop holding products 5 and 6 in English. */
  async function shopWithProducts(): Promise<{ installationId: string; api: SpmHttpClient }> {
    const { installationId, accessToken } = sandbox.createInstallation();
    sandbox.setActive(installationId, true);
    const api = client(accessToken);
    await SpmProducts.bulkSave(api, [
      sandboxProductFixture({ product_id: 5 }),
      sandboxProductFixture({ product_id: 6 }),
    ] as unknown as SpmProductData[]);
    return { installationId, api };
  }

  it('validates variations and images against the SDK types', () => {
    expect(validateObject(variation(), PRODUCT_VARIATION_SCHEMA)).toEqual([]);
    expect(validateObject(image(), PRODUCT_IMAGE_SCHEMA)).toEqual([]);
    expect(
      validateObject(
        { ...variation({ price: -1, is_default: 'yes' as unknown as boolean }), name: undefined },
        PRODUCT_VARIATION_SCHEMA,
      ),
    ).toEqual(['name is required', 'price must be a number >= 0', 'is_default must be a boolean']);
    expect(
      validateObject({ ...image({ url: '/a.jpg' }), image_id: undefined }, PRODUCT_IMAGE_SCHEMA),
    ).toEqual(['image_id is required', 'url must be an absolute http(s) URL']);
  });

  it('saves variations of several products through bulkSaveAll and rejects those of an unknown product', async () => {
    const { installationId, api } = await shopWithProducts();

    const saved = await SpmProductsVariations.bulkSaveAll(api, [
      variation(),
      variation({ product_id: '6', variation_id: 61 }),
      variation({ product_id: '9', variation_id: 91 }),
      variation({ variation_id: 52, link: 'not a url' }),
    ]);

    expect(saved).toMatchObject({
      ok: true,
      data: {
        sent_count: 2,
        rejected_count: 2,
        rejected_items: [
          { index: 2, errors: ['product_id 9 is not a product of this shop in lang en'] },
          { index: 3, errors: ['link must be an absolute http(s) URL'] },
        ],
      },
    });
    expect(sandbox.productVariations(installationId)).toEqual([
      { ...variation(), product_id: 5 },
      { ...variation({ product_id: '6', variation_id: 61 }), product_id: 6 },
    ]);
  });

  it('saves variations of one product on its own route and deletes them through bulkDelete', async () => {
    const { installationId, api } = await shopWithProducts();
    const { product_id: _unused, ...ofProduct } = variation();
    const second: SpmProductVariationData = { ...ofProduct, variation_id: 52, is_default: false };
    await SpmProductsVariations.bulkSave(api, 5, [ofProduct, second]);
    expect(sandbox.productVariations(installationId).map((item) => item['variation_id'])).toEqual([51, 52]);

    const deleted = await SpmProductsVariations.bulkDelete(api, 5, [51]);

    expect(deleted).toMatchObject({ ok: true, data: { deleted_count: 1 } });
    expect(sandbox.productVariations(installationId).map((item) => item['variation_id'])).toEqual([52]);
  });

  it('keeps images per product and image id, deletes them one by one or in bulk', async () => {
    const { installationId, api } = await shopWithProducts();
    await SpmProductsImages.bulkSaveAll(api, [
      image(),
      image({ image_id: 'img-b', url: 'https://cdn.example.com/b.jpg', is_default: false }),
      image({ product_id: '6' }),
    ]);
    expect(sandbox.productImages(installationId)).toHaveLength(3);

    await SpmProductsImages.delete(api, 5, 'img-b');
    await SpmProductsImages.bulkDelete(api, 6, ['img-a']);

    expect(sandbox.productImages(installationId)).toEqual([{ ...image(), product_id: 5 }]);
  });

  it('refuses more ids in one delete than the SDK chunk size', async () => {
    const { api } = await shopWithProducts();
    const ids = Array.from({ length: SpmProductsImages.CHUNK_SIZE + 1 }, (_, index) => `img-${index}`);

    const refused = await SpmProductsImages.bulkDelete(api, 5, ids);

    expect(refused).toMatchObject({ ok: false, statusCode: 400 });
  });

  it("deletes a product's variations and images with it", async () => {
    const { installationId, api } = await shopWithProducts();
    await SpmProductsVariations.bulkSaveAll(api, [
      variation(),
      variation({ product_id: '6', variation_id: 61 }),
    ]);
    await SpmProductsImages.bulkSaveAll(api, [image(), image({ product_id: '6' })]);

    await SpmProducts.bulkDelete(api, [5]);

    expect(sandbox.productVariations(installationId).map((item) => item['product_id'])).toEqual([6]);
    expect(sandbox.productImages(installationId).map((item) => item['product_id'])).toEqual([6]);
  });

  it('does not serve the parts as resources of their own', async () => {
    const { api } = await shopWithProducts();
    const response = await api.request({
      method: 'post',
      url: 'products-variations',
      data: [variation()],
      validateStatus: () => true,
    });
    expect(response.status).toBe(404);
  });
});
