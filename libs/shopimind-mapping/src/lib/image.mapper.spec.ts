import type { NormalizedProduct } from '@storebridge/contracts';
import fc from 'fast-check';
import { toShopimindImageId, toShopimindImages } from './image.mapper';
import { toShopimindProduct } from './product.mapper';

function product(images: string[], id = 'p1'): NormalizedProduct {
  return { id, name: 'Tee', categories: [], tags: [], images, url: 'https://shop.example/p/tee' };
}

describe('toShopimindImages', () => {
  it('maps every image in the store order, the first the default, each once', () => {
    const mapped = toShopimindImages(
      product(['https://cdn.example/a.jpg', 'https://cdn.example/b.jpg', 'https://cdn.example/a.jpg']),
      { productId: 7, lang: 'en', dataSourceId: 3 },
    );
    expect(mapped).toEqual([
      {
        product_id: '7',
        image_id: toShopimindImageId('p1', 'https://cdn.example/a.jpg'),
        lang: 'en',
        variation_id: null,
        url: 'https://cdn.example/a.jpg',
        is_default: true,
        id_data_source: 3,
      },
      {
        product_id: '7',
        image_id: toShopimindImageId('p1', 'https://cdn.example/b.jpg'),
        lang: 'en',
        variation_id: null,
        url: 'https://cdn.example/b.jpg',
        is_default: false,
        id_data_source: 3,
      },
    ]);
  });

  // ShopiMind holds images under these ids: a change of the function would duplicate every image.
  it('gives the ids it gave from the start', () => {
    expect(toShopimindImageId('prod_1', 'https://shop.example/a.jpg')).toBe(
      '5c777aa26fd8948fac69975cd2b4093c',
    );
  });

  it('gives an image the same id every time, another one for another product or URL', () => {
    const id = toShopimindImageId('p1', 'https://cdn.example/a.jpg');
    expect(toShopimindImageId('p1', 'https://cdn.example/a.jpg')).toBe(id);
    expect(toShopimindImageId('p2', 'https://cdn.example/a.jpg')).not.toBe(id);
    expect(toShopimindImageId('p1', 'https://cdn.example/b.jpg')).not.toBe(id);
  });

  it('marks one default image, the one the product shows as image_link, and ids are distinct (property)', () => {
    const url = fc.webUrl({ validSchemes: ['https'] });
    fc.assert(
      fc.property(fc.array(url, { minLength: 1, maxLength: 10 }), (urls) => {
        const storeProduct = product(urls);
        const images = toShopimindImages(storeProduct, { productId: 7, lang: 'en' });
        const defaults = images.filter((image) => image.is_default);
        expect(defaults).toHaveLength(1);
        const shown = toShopimindProduct(storeProduct, {
          numericId: 7,
          lang: 'en',
          currency: 'EUR',
          categoryIds: new Map(),
          now: '2024-01-01T00:00:00.000Z',
        }).image_link;
        expect(defaults[0].url).toBe(shown);
        expect(new Set(images.map((image) => image.image_id)).size).toBe(new Set(urls).size);
      }),
    );
  });

  it('maps no image for a product without one', () => {
    expect(toShopimindImages(product([]), { productId: 7, lang: 'en' })).toEqual([]);
  });
});
