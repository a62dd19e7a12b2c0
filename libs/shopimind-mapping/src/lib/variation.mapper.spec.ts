import type { NormalizedProduct, NormalizedVariation } from '@storebridge/contracts';
import fc from 'fast-check';
import { toShopimindProduct } from './product.mapper';
import { toShopimindVariations, toVariationMappingKey } from './variation.mapper';

function product(overrides: Partial<NormalizedProduct> = {}): NormalizedProduct {
  return {
    id: 'p1',
    name: 'Tee',
    categories: [],
    tags: [],
    images: ['https://cdn.example/tee.jpg'],
    url: 'https://shop.example/p/tee',
    ...overrides,
  };
}

function idsOf(variations: readonly NormalizedVariation[]): Map<string, number> {
  return new Map(variations.map((variation, index) => [variation.id, 1000 + index]));
}

const productContext = {
  numericId: 7,
  lang: 'en',
  currency: 'EUR',
  categoryIds: new Map<string, number>(),
  now: '2024-01-01T00:00:00.000Z',
};

const selling = (record: { price: number; price_discount?: number | null }): number =>
  record.price_discount ?? record.price;

describe('toShopimindVariations', () => {
  it('maps each variation with its own price, stock, reference, barcode and image, the first the default', () => {
    const variations: NormalizedVariation[] = [
      {
        id: 'v1',
        name: 'Black / M',
        sku: 'TS-BLK-M',
        ean13: '4006381333931',
        regularPrice: 25,
        salePrice: 20,
        stockQuantity: 4,
        image: 'https://cdn.example/black.jpg',
      },
      { id: 'v2', price: 22, stockStatus: 'out_of_stock' },
    ];
    const mapped = toShopimindVariations(product({ variations }), {
      productId: 7,
      variationIds: idsOf(variations),
      lang: 'en',
      dataSourceId: 3,
    });
    expect(mapped).toEqual([
      {
        product_id: '7',
        variation_id: 1000,
        lang: 'en',
        name: 'Black / M',
        reference: 'TS-BLK-M',
        ean13: '4006381333931',
        link: 'https://shop.example/p/tee',
        image_link: 'https://cdn.example/black.jpg',
        price: 25,
        price_discount: 20,
        quantity_remaining: 4,
        is_default: true,
        id_data_source: 3,
      },
      {
        product_id: '7',
        variation_id: 1001,
        lang: 'en',
        name: 'Tee',
        reference: null,
        ean13: null,
        link: 'https://shop.example/p/tee',
        image_link: 'https://cdn.example/tee.jpg',
        price: 22,
        price_discount: null,
        quantity_remaining: 0,
        is_default: false,
        id_data_source: 3,
      },
    ]);
  });

  it("sells a variation without a price of its own at its product's prices", () => {
    const variations = [{ id: 'v1', stockStatus: 'in_stock' }];
    const [mapped] = toShopimindVariations(product({ regularPrice: 30, price: 24, variations }), {
      productId: 7,
      variationIds: idsOf(variations),
      lang: 'en',
    });
    expect([mapped.price, mapped.price_discount, mapped.quantity_remaining]).toEqual([30, 24, 1]);
  });

  it('keys a variation by its product and its own id, which only its product makes unique', () => {
    expect(toVariationMappingKey('p1', 'v1')).not.toBe(toVariationMappingKey('p2', 'v1'));
    expect(toVariationMappingKey('a/b', 'c')).not.toBe(toVariationMappingKey('a', 'b/c'));
  });
});

describe('a product with variations (properties)', () => {
  const cents = fc.integer({ min: 0, max: 100_000 }).map((value) => value / 100);
  const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
  const variation = fc.record(
    {
      price: maybe(cents),
      regularPrice: maybe(cents),
      salePrice: maybe(cents),
      stockQuantity: maybe(fc.integer({ min: 0, max: 500 })),
      stockStatus: maybe(fc.constantFrom('in_stock', 'out_of_stock', 'backorder')),
    },
    { requiredKeys: [] },
  );
  const variations = fc
    .array(variation, { minLength: 1, maxLength: 8 })
    .map((list) =>
      list.map((fields, index): NormalizedVariation => ({ id: `v${index}`, ...defined(fields) })),
    );

  function defined<T extends object>(fields: T): T {
    return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;
  }

  function mapBoth(storeProduct: NormalizedProduct) {
    const list = storeProduct.variations ?? [];
    return {
      product: toShopimindProduct(storeProduct, productContext),
      variations: toShopimindVariations(storeProduct, {
        productId: 7,
        variationIds: idsOf(list),
        lang: 'en',
      }),
    };
  }

  it('has, without a stock of its own, the stock of all its variations', () => {
    fc.assert(
      fc.property(variations, maybe(fc.constantFrom('in_stock', 'out_of_stock')), (list, status) => {
        const mapped = mapBoth(product(defined({ variations: list, stockStatus: status })));
        const total = mapped.variations.reduce((sum, item) => sum + item.quantity_remaining, 0);
        expect(mapped.product.quantity_remaining).toBe(total);
      }),
    );
  });

  it('keeps a stock the store gives the product', () => {
    fc.assert(
      fc.property(variations, fc.integer({ min: 0, max: 50 }), (list, stock) => {
        expect(mapBoth(product({ variations: list, stockQuantity: stock })).product.quantity_remaining).toBe(
          stock,
        );
      }),
    );
  });

  it('is sold, without a price of its own, at its cheapest priced variation', () => {
    fc.assert(
      fc.property(variations, (list) => {
        const mapped = mapBoth(product({ variations: list }));
        const priced = mapped.variations.filter((_, index) => {
          const own = list[index];
          return own.price !== undefined || own.regularPrice !== undefined || own.salePrice !== undefined;
        });
        const expected = priced.length === 0 ? 0 : Math.min(...priced.map(selling));
        expect(selling(mapped.product)).toBe(expected);
      }),
    );
  });

  it('has exactly one default variation, the first, and one ShopiMind id per variation', () => {
    fc.assert(
      fc.property(variations, (list) => {
        const mapped = mapBoth(product({ variations: list, price: 10 })).variations;
        expect(mapped.map((item) => item.is_default)).toEqual(list.map((_, index) => index === 0));
        expect(new Set(mapped.map((item) => item.variation_id)).size).toBe(list.length);
      }),
    );
  });
});
