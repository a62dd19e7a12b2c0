import type { NormalizedProduct } from '@storebridge/contracts';
import fc from 'fast-check';
import { toShopimindProduct, type ShopimindProductContext } from './product.mapper';

const context: ShopimindProductContext = {
  numericId: 7,
  lang: 'fr',
  currency: 'EUR',
  categoryIds: new Map(),
  now: '2026-01-01T00:00:00.000Z',
};

function product(overrides: Partial<NormalizedProduct> = {}): NormalizedProduct {
  return {
    id: 'prod_7',
    name: 'Desk lamp',
    categories: [],
    tags: [],
    images: [],
    url: 'https://shop.test/product/desk-lamp',
    ...overrides,
  };
}

type StorePrices = Pick<NormalizedProduct, 'price' | 'regularPrice' | 'salePrice'>;

/**
 * Generic-api spec §4, written out independently of the mapper: `price` is the current selling price and
 * `sale_price` a discounted one, so a given discount below it applies; with one of them, that one; with
 * neither, the regular price.
 */
function expectedSellingPrice({ price, regularPrice, salePrice }: StorePrices): number {
  if (price !== undefined && salePrice !== undefined) {
    return Math.min(price, salePrice);
  }
  return price ?? salePrice ?? regularPrice ?? 0;
}

function definedOnly(prices: StorePrices): StorePrices {
  return Object.fromEntries(Object.entries(prices).filter(([, value]) => value !== undefined));
}

describe('toShopimindProduct', () => {
  it('maps identity, language, currency, link and data source', () => {
    const mapped = toShopimindProduct(
      product({ sku: 'DL-1', images: ['https://cdn.test/a.jpg', 'https://cdn.test/b.jpg'] }),
      {
        ...context,
        dataSourceId: 3,
      },
    );
    expect(mapped).toMatchObject({
      product_id: 7,
      lang: 'fr',
      currency: 'EUR',
      name: 'Desk lamp',
      reference: 'DL-1',
      link: 'https://shop.test/product/desk-lamp',
      image_link: 'https://cdn.test/a.jpg',
      id_data_source: 3,
    });
  });

  it("labels the prices with the product's own currency, else the connection's (issue #16)", () => {
    expect(toShopimindProduct(product({ currency: 'USD' }), context).currency).toBe('USD');
    expect(toShopimindProduct(product(), context).currency).toBe('EUR');
  });

  it('leaves the data source out when there is none', () => {
    expect(toShopimindProduct(product(), context)).not.toHaveProperty('id_data_source');
  });

  it.each<[string, Partial<NormalizedProduct>, number, number | null]>([
    ['a single price', { price: 20 }, 20, null],
    ['a regular and a lower sale price', { regularPrice: 30, salePrice: 25 }, 30, 25],
    ['a price below the regular price', { regularPrice: 30, price: 24 }, 30, 24],
    [
      'a sale price above the regular price, which the customer pays',
      { regularPrice: 30, salePrice: 35 },
      35,
      null,
    ],
    ['a selling price above the list price (issue #16)', { price: 1299, regularPrice: 20 }, 1299, null],
    ['a price and a lower sale price, without a regular price', { price: 100, salePrice: 80 }, 100, 80],
    ['a sale price above the price, which is kept', { price: 100, salePrice: 120 }, 100, null],
    ['a regular price of 0 (a store without list prices)', { price: 15, regularPrice: 0 }, 15, null],
    ['only a sale price', { salePrice: 12 }, 12, null],
    ['no price at all', {}, 0, null],
  ])('prices %s', (_label, overrides, price, discount) => {
    const mapped = toShopimindProduct(product(overrides), context);
    expect([mapped.price, mapped.price_discount]).toEqual([price, discount]);
  });

  it('has the customer pay the store selling price, whatever prices the store gives (property)', () => {
    // A price in cents up to 10,000.00, or absent.
    const storePrice = fc.option(
      fc.integer({ min: 0, max: 1_000_000 }).map((cents) => cents / 100),
      { nil: undefined },
    );
    fc.assert(
      fc.property(storePrice, storePrice, storePrice, (price, regularPrice, salePrice) => {
        const given = { price, regularPrice, salePrice };
        const mapped = toShopimindProduct(product(definedOnly(given)), context);

        expect(mapped.price_discount ?? mapped.price).toBe(expectedSellingPrice(given));
        const discount = mapped.price_discount;
        if (discount !== null && discount !== undefined) {
          expect(mapped.price).toBeGreaterThan(discount);
        }
        // The struck-through price is one the store gave, never an invented one.
        expect([price, regularPrice, salePrice, 0]).toContain(mapped.price);
      }),
    );
  });

  it.each<[string, Partial<NormalizedProduct>, boolean, number]>([
    ['a counted stock', { stockQuantity: 4 }, true, 4],
    ['an empty stock', { stockQuantity: 0 }, false, 0],
    ['in stock without a count', { stockStatus: 'in_stock' }, true, 1],
    ['out of stock', { stockStatus: 'out_of_stock', stockQuantity: 3 }, false, 3],
    ['no stock information', {}, true, 0],
  ])('derives activity from %s', (_label, overrides, active, quantity) => {
    const mapped = toShopimindProduct(product(overrides), context);
    expect([mapped.is_active, mapped.quantity_remaining]).toEqual([active, quantity]);
  });

  // Ids per category key, as the push maps them: the key is the trimmed, lower-cased name.
  const categoryIds = new Map([
    ['shoes', 11],
    ['summer sale', 12],
    ['home', 13],
  ]);

  it.each<[string, string[], number[]]>([
    ['no categories', [], []],
    ['one category', ['Shoes'], [11]],
    ["several, in the store's order", ['Home', 'Shoes'], [13, 11]],
    ['spellings of one category, once', ['Shoes', ' shoes ', 'SHOES'], [11]],
    ['a name with odd spacing', ['  Summer   Sale '], [12]],
    ['names without an id left out', ['Shoes', 'Unmapped', ''], [11]],
  ])('points at the ids of %s', (_label, categories, ids) => {
    expect(toShopimindProduct(product({ categories }), { ...context, categoryIds }).category_ids).toEqual(
      ids,
    );
  });

  it('falls back to the sync time when the store gives no dates', () => {
    const mapped = toShopimindProduct(product({ createdAt: '2025-05-01T10:00:00.000Z' }), context);
    expect([mapped.created_at, mapped.updated_at]).toEqual([
      '2025-05-01T10:00:00.000Z',
      '2025-05-01T10:00:00.000Z',
    ]);
    const undated = toShopimindProduct(product(), context);
    expect([undated.created_at, undated.updated_at]).toEqual([context.now, context.now]);
  });
});
