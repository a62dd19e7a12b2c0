import { NormalizedProduct } from '@storebridge/contracts';
import { validateSync } from 'class-validator';
import { PRODUCT_FIELD_ALIASES, ProductField } from './field-aliases';
import { ProductMappingContext, ProductMappingResult, toNormalizedProduct } from './product.mapper';

const BASE_URL = 'https://shop.example';
const context = (mappings: Record<string, string> = {}): ProductMappingContext => ({
  baseUrl: BASE_URL,
  mappings,
});

/** Spec §4 copied by hand, so a change to the data table has to be a deliberate one. */
const SPEC_PRODUCT_ALIASES: Record<string, string[]> = {
  id: ['product_id', 'sku'],
  name: ['title', 'product_name'],
  price: ['selling_price', 'current_price'],
  regular_price: ['original_price', 'list_price'],
  sale_price: ['discount_price'],
  sku: ['product_sku', 'code'],
  description: ['full_description', 'body'],
  short_description: ['summary', 'excerpt'],
  stock_status: ['availability'],
  stock_quantity: ['stock', 'inventory', 'quantity'],
  categories: ['category', 'product_categories'],
  tags: ['product_tags', 'labels'],
  images: ['photos', 'gallery', 'image_urls'],
  attributes: ['variations', 'options'],
  permalink: [
    'product_url',
    'url',
    'link',
    'product_link',
    'html_url',
    'web_url',
    'href',
    'page_url',
    'detail_url',
  ],
  slug: ['handle', 'product_slug', 'permalink_slug', 'url_key', 'url_slug', 'seo_slug'],
  created_at: [],
  updated_at: [],
  // [ours] Not in spec §4; the alias of the order table (§5).
  currency: ['currency_code'],
};

/** For each canonical field with an output: a store value and where and how it lands in the product. */
const FIELD_SAMPLES: Record<
  Exclude<ProductField, 'attributes'>,
  [unknown, (p: NormalizedProduct) => unknown, unknown]
> = {
  id: [42, (p) => p.id, '42'],
  name: [' Linen Shirt ', (p) => p.name, 'Linen Shirt'],
  price: ['$349.99', (p) => p.price, 349.99],
  regular_price: ['399.00', (p) => p.regularPrice, 399],
  sale_price: [299.5, (p) => p.salePrice, 299.5],
  sku: ['LS-1', (p) => p.sku, 'LS-1'],
  description: ['<p>Soft.</p>', (p) => p.description, '<p>Soft.</p>'],
  short_description: ['Soft linen.', (p) => p.shortDescription, 'Soft linen.'],
  stock_status: ['InStock', (p) => p.stockStatus, 'in_stock'],
  stock_quantity: ['7', (p) => p.stockQuantity, 7],
  categories: ['Shirts, Summer', (p) => p.categories, ['Shirts', 'Summer']],
  tags: [['new', 'eco'], (p) => p.tags, ['new', 'eco']],
  images: [[{ src: 'https://cdn.example/a.jpg' }], (p) => p.images, ['https://cdn.example/a.jpg']],
  permalink: ['https://shop.example/p/linen-shirt', (p) => p.url, 'https://shop.example/p/linen-shirt'],
  slug: ['linen-shirt', (p) => p.url, 'https://shop.example/product/linen-shirt'],
  created_at: [1_704_067_200, (p) => p.createdAt, '2024-01-01T00:00:00.000Z'],
  updated_at: ['2024-01-02T03:04:05Z', (p) => p.updatedAt, '2024-01-02T03:04:05.000Z'],
  currency: [' usd ', (p) => p.currency, 'USD'],
};

function mapped(raw: Record<string, unknown>, mappings: Record<string, string> = {}): NormalizedProduct {
  const result = toNormalizedProduct({ id: 'p1', name: 'Shirt', ...raw }, context(mappings));
  if (result.product === undefined) {
    throw new Error(`expected a product, got skip reason ${result.skipReason}`);
  }
  return result.product;
}

/** With a slug by default, so only the warnings of the field under test show up. */
function map(raw: Record<string, unknown>, mappings: Record<string, string> = {}): ProductMappingResult {
  return toNormalizedProduct({ id: 'p1', name: 'Shirt', slug: 'shirt', ...raw }, context(mappings));
}

const warningCodes = (result: ProductMappingResult): string[] =>
  result.warnings.map((w) => `${w.code}:${w.field}`);

describe('PRODUCT_FIELD_ALIASES', () => {
  it('is the spec §4 table, in order', () => {
    expect(PRODUCT_FIELD_ALIASES).toEqual(SPEC_PRODUCT_ALIASES);
  });
});

describe('toNormalizedProduct', () => {
  describe('field names', () => {
    const cases = Object.entries(SPEC_PRODUCT_ALIASES)
      .filter((entry): entry is [Exclude<ProductField, 'attributes'>, string[]] => entry[0] !== 'attributes')
      .flatMap(([field, aliases]) => [field, ...aliases].map((key) => [field, key] as const));

    it.each(cases)('reads %s from "%s"', (field, key) => {
      const [value, read, expected] = FIELD_SAMPLES[field];
      const raw: Record<string, unknown> = { id: 'p1', name: 'Shirt', [key]: value };
      if (field !== key && (field === 'id' || field === 'name')) {
        delete raw[field];
      }
      const result = toNormalizedProduct(raw, context());
      expect(result.product && read(result.product)).toEqual(expected);
    });

    it('prefers the canonical name over an alias', () => {
      expect(mapped({ price: 10, selling_price: 20 }).price).toBe(10);
    });

    it('tries aliases in table order', () => {
      expect(mapped({ name: undefined, product_name: 'Second', title: 'First' }).name).toBe('First');
      expect(mapped({ url: 'https://shop.example/u', product_url: 'https://shop.example/pu' }).url).toBe(
        'https://shop.example/pu',
      );
    });

    it('skips a blank canonical value for the next candidate', () => {
      expect(mapped({ name: '  ', title: 'From title' }).name).toBe('From title');
      expect(mapped({ price: null, selling_price: '5' }).price).toBe(5);
    });
  });

  describe('field mappings', () => {
    it('reads the mapped store field first', () => {
      expect(mapped({ name: 'Canonical', label: 'Mapped' }, { name: 'label' }).name).toBe('Mapped');
    });

    it('follows a dotted path', () => {
      expect(
        mapped({ pricing: { amount: '12.50', currency: 'EUR' } }, { price: 'pricing.amount' }).price,
      ).toBe(12.5);
    });

    it('follows a dotted path through an array', () => {
      expect(
        mapped({ media: [{ href: 'https://cdn.example/1.jpg' }] }, { images: 'media.0.href' }).images,
      ).toEqual(['https://cdn.example/1.jpg']);
    });

    it('prefers a key that contains the dots literally', () => {
      expect(mapped({ 'pricing.amount': 3, pricing: { amount: 4 } }, { price: 'pricing.amount' }).price).toBe(
        3,
      );
    });

    it('falls back to the canonical name when the mapped field is absent', () => {
      expect(mapped({ price: 9 }, { price: 'pricing.amount' }).price).toBe(9);
    });

    it('replaces the aliases', () => {
      expect(mapped({ selling_price: 9 }, { price: 'pricing.amount' }).price).toBeUndefined();
      expect(toNormalizedProduct({ id: 'p1', title: 'Alias' }, context({ name: 'label' })).skipReason).toBe(
        'missing_name',
      );
    });

    it('maps the id and slug too', () => {
      const product = mapped(
        { id: undefined, code: 'C-9', meta: { handle: 'nine' } },
        { id: 'code', slug: 'meta.handle' },
      );
      expect(product).toMatchObject({ id: 'C-9', url: 'https://shop.example/product/nine' });
    });

    it.each(['__proto__', 'constructor', 'toString'])('reads nothing through "%s"', (path) => {
      expect(mapped({}, { description: path }).description).toBeUndefined();
    });
  });

  describe('ids and required fields', () => {
    it.each<[string, unknown, string]>([
      ['a number', 123, '123'],
      ['a string', 'abc', 'abc'],
      ['a padded string', '  abc ', 'abc'],
      ['zero', 0, '0'],
    ])('turns an id that is %s into a string', (_label, id, expected) => {
      expect(mapped({ id }).id).toBe(expected);
    });

    it.each<[string, unknown, string]>([
      ['null', null, 'not_an_object'],
      ['an array', [{ id: 1, name: 'x' }], 'not_an_object'],
      ['a string', 'product', 'not_an_object'],
      ['a record without id', { name: 'Shirt' }, 'missing_id'],
      ['a blank id', { id: ' ', name: 'Shirt' }, 'missing_id'],
      ['an object id', { id: { value: 1 }, name: 'Shirt' }, 'missing_id'],
      ['a boolean id', { id: true, name: 'Shirt' }, 'missing_id'],
      ['a record without name', { id: 1 }, 'missing_name'],
      ['an empty name', { id: 1, name: '' }, 'missing_name'],
      ['an object name', { id: 1, name: { en: 'Shirt' } }, 'missing_name'],
      ['neither', {}, 'missing_id'],
    ])('skips %s', (_label, raw, skipReason) => {
      const result = toNormalizedProduct(raw, context());
      expect(result).toEqual({ skipReason, warnings: [] });
    });

    it('takes the id from sku when nothing else names it', () => {
      expect(mapped({ id: undefined, sku: 'SKU-1' })).toMatchObject({ id: 'SKU-1', sku: 'SKU-1' });
    });
  });

  describe('prices', () => {
    it.each<[unknown, number]>([
      [349.99, 349.99],
      ['349.99', 349.99],
      ['$349.99', 349.99],
      ['USD 349.99', 349.99],
      ['349,99 €', 349.99],
      ['1,299.00', 1299],
      ['0', 0],
    ])('reads %p as %p', (value, expected) => {
      expect(mapped({ price: value, regular_price: value, sale_price: value })).toMatchObject({
        price: expected,
        regularPrice: expected,
        salePrice: expected,
      });
    });

    it.each(['price', 'regular_price', 'sale_price'] as const)(
      'leaves an unparseable %s out with a warning, never 0',
      (field) => {
        const result = map({ [field]: 'ask us' });
        expect(result.product).not.toHaveProperty(
          field === 'price' ? 'price' : field === 'sale_price' ? 'salePrice' : 'regularPrice',
        );
        expect(result.warnings).toEqual([
          { code: 'unparseable_price', field, message: `"${field}" ("ask us") is not a price` },
        ]);
      },
    );

    it('names the alias the bad price came from', () => {
      expect(map({ current_price: 'n/a' }).warnings[0].message).toBe(
        '"current_price" ("n/a") is not a price',
      );
    });

    it('keeps a selling price above the list price as given, with a warning (issue #16)', () => {
      const result = map({ selling_price: 'USD 1,299.00', list_price: '20.00' });
      expect(result.product).toMatchObject({ price: 1299, regularPrice: 20 });
      expect(result.warnings).toEqual([
        {
          code: 'sale_price_above_regular',
          field: 'price',
          message:
            'the selling price "selling_price" (1299) is above the regular price "list_price" (20): ' +
            'the customer pays 1299, shown without a struck-through price',
        },
      ]);
    });

    it.each<[string, Record<string, unknown>, string[]]>([
      ['a sale price above the regular price', { regular_price: 30, sale_price: 35 }, ['sale_price']],
      ['a sale price above the price, which is kept', { price: 100, sale_price: 120 }, ['sale_price']],
      ['a discount below the regular price', { price: 80, regular_price: 100, sale_price: 80 }, []],
      ['a price equal to the regular price', { price: 100, regular_price: 100 }, []],
      ['a regular price of 0, meaning none', { price: 15, regular_price: 0 }, []],
      ['a single price', { price: 15 }, []],
    ])('warns only when the customer pays more than a regular price: %s', (_label, raw, fields) => {
      const result = map(raw);
      expect(
        result.warnings.filter((w) => w.code === 'sale_price_above_regular').map((w) => w.field),
      ).toEqual(fields);
    });
  });

  describe('currency', () => {
    it.each<[string, Record<string, unknown>, string | undefined]>([
      ['an ISO code before the price', { selling_price: 'USD 1,299.00' }, 'USD'],
      ['an ISO code after the price', { price: '349,99 eur' }, 'EUR'],
      ['the euro sign', { price: '€1,299.00' }, 'EUR'],
      ['the pound sign after the price', { price: '12.50 £' }, 'GBP'],
      ['a dollar with its country', { price: 'US$12' }, 'USD'],
      ['a lone dollar sign, used by many currencies', { price: '$12' }, undefined],
      ['a bare number', { price: 12 }, undefined],
      ['a currency field', { price: 12, currency: 'usd' }, 'USD'],
      ['the currency_code alias', { price: 12, currency_code: 'CHF' }, 'CHF'],
      ['a currency field over the price marks', { price: '€12', currency: 'EUR' }, 'EUR'],
      ['prices marked alike', { price: 'USD 8', regular_price: 'USD 10' }, 'USD'],
    ])('reads %s', (_label, raw, currency) => {
      const result = map(raw);
      expect(result.product?.currency).toBe(currency);
      expect(result.warnings).toEqual([]);
    });

    it('leaves out a currency the prices contradict, with a warning', () => {
      const result = map({ price: 'USD 8', regular_price: '€10' });
      expect(result.product).not.toHaveProperty('currency');
      expect(warningCodes(result)).toEqual(['conflicting_currency:currency']);
      expect(result.warnings[0].message).toBe(
        "the prices name several currencies (USD, EUR): the connection's currency is used",
      );
    });

    it('prefers the currency field to the price marks, with a warning when they disagree', () => {
      const result = map({ price: '€12', currency: 'USD' });
      expect(result.product?.currency).toBe('USD');
      expect(warningCodes(result)).toEqual(['conflicting_currency:currency']);
    });

    it('ignores a currency field that is not a three-letter code, for the price marks', () => {
      const result = map({ price: '€12', currency: 'euros' });
      expect(result.product?.currency).toBe('EUR');
      expect(warningCodes(result)).toEqual(['invalid_value:currency']);
    });
  });

  describe('stock', () => {
    it.each<[unknown, string]>([
      ['in_stock', 'in_stock'],
      ['instock', 'in_stock'],
      ['available', 'in_stock'],
      ['true', 'in_stock'],
      [true, 'in_stock'],
      ['1', 'in_stock'],
      [1, 'in_stock'],
      ['IN_STOCK', 'in_stock'],
      [' Available ', 'in_stock'],
      ['out_of_stock', 'out_of_stock'],
      ['outofstock', 'out_of_stock'],
      ['unavailable', 'out_of_stock'],
      ['false', 'out_of_stock'],
      [false, 'out_of_stock'],
      ['0', 'out_of_stock'],
      [0, 'out_of_stock'],
      ['OutOfStock', 'out_of_stock'],
      ['backorder', 'backorder'],
      ['On Backorder', 'on backorder'],
      ['PREORDER', 'preorder'],
    ])('reads status %p as %p', (value, expected) => {
      expect(mapped({ stock_status: value }).stockStatus).toBe(expected);
    });

    it.each<[unknown, number, string]>([
      [5, 5, 'in_stock'],
      ['7', 7, 'in_stock'],
      [0, 0, 'out_of_stock'],
      [-2, -2, 'out_of_stock'],
    ])('derives the status from quantity %p when none is given', (value, quantity, status) => {
      expect(mapped({ stock_quantity: value })).toMatchObject({
        stockQuantity: quantity,
        stockStatus: status,
      });
    });

    it('keeps a given status over the quantity', () => {
      expect(mapped({ stock_status: 'out_of_stock', stock_quantity: 5 })).toMatchObject({
        stockStatus: 'out_of_stock',
        stockQuantity: 5,
      });
    });

    it('leaves both out when neither is given', () => {
      const product = mapped({});
      expect(product).not.toHaveProperty('stockStatus');
      expect(product).not.toHaveProperty('stockQuantity');
    });

    it.each<[unknown]>([['12.5'], ['many'], [{ n: 1 }]])('warns about quantity %p', (value) => {
      const result = map({ stock_quantity: value });
      expect(result.product).not.toHaveProperty('stockQuantity');
      expect(warningCodes(result)).toEqual(['invalid_value:stock_quantity']);
    });

    it('warns about a status that is not a scalar, falling back to the quantity', () => {
      const result = map({ stock_status: { code: 'x' }, stock_quantity: 3 });
      expect(result.product?.stockStatus).toBe('in_stock');
      expect(warningCodes(result)).toEqual(['invalid_value:stock_status']);
    });
  });

  describe('categories and tags', () => {
    it.each<[string, unknown, string[]]>([
      ['an array of strings', ['Shirts', 'Summer'], ['Shirts', 'Summer']],
      ['an array with blanks and padding', [' Shirts ', '', '  ', 'Summer'], ['Shirts', 'Summer']],
      ['a CSV string', 'Shirts,Summer', ['Shirts', 'Summer']],
      ['a CSV string with spaces and empties', ' Shirts , ,Summer, ', ['Shirts', 'Summer']],
      ['a single name', 'Shirts', ['Shirts']],
      [
        'an array of objects with name',
        [
          { id: 1, name: 'Shirts' },
          { id: 2, name: ' Summer ' },
        ],
        ['Shirts', 'Summer'],
      ],
      ['a single object with name', { id: 1, name: 'Shirts' }, ['Shirts']],
      [
        'mixed items, unusable ones dropped',
        ['Shirts', { name: 'Summer' }, { id: 3 }, null, 7],
        ['Shirts', 'Summer', '7'],
      ],
      ['an empty array', [], []],
    ])('reads %s', (_label, value, expected) => {
      expect(mapped({ categories: value, tags: value })).toMatchObject({
        categories: expected,
        tags: expected,
      });
    });

    it('defaults to empty lists', () => {
      expect(mapped({})).toMatchObject({ categories: [], tags: [] });
    });

    it('warns about a value that is not a list', () => {
      const result = map({ categories: 5, tags: true });
      expect(result.product).toMatchObject({ categories: [], tags: [] });
      expect(warningCodes(result)).toEqual(['invalid_value:categories', 'invalid_value:tags']);
    });
  });

  describe('images', () => {
    it.each<[string, unknown, string[]]>([
      [
        'an array of URLs',
        ['https://cdn.example/a.jpg', 'http://cdn.example/b.jpg'],
        ['https://cdn.example/a.jpg', 'http://cdn.example/b.jpg'],
      ],
      ['objects with src', [{ src: 'https://cdn.example/a.jpg', alt: 'A' }], ['https://cdn.example/a.jpg']],
      ['objects with url', [{ url: 'https://cdn.example/a.jpg' }], ['https://cdn.example/a.jpg']],
      ['a single URL', 'https://cdn.example/a.jpg', ['https://cdn.example/a.jpg']],
      [
        'a protocol-relative URL, given the store scheme',
        ['//cdn.example/a.jpg'],
        ['https://cdn.example/a.jpg'],
      ],
      ['a URL with a space, encoded', ['https://cdn.example/a b.jpg'], ['https://cdn.example/a%20b.jpg']],
    ])('reads %s', (_label, value, expected) => {
      const result = map({ images: value });
      expect(result.product?.images).toEqual(expected);
      expect(result.warnings).toEqual([]);
    });

    it('keeps absolute URLs only, counting the rest', () => {
      const result = map({
        images: [
          'https://cdn.example/a.jpg',
          '/img/b.jpg',
          'c.jpg',
          'ftp://x.example/d.jpg',
          'data:image/png;base64,AA',
          { alt: 'x' },
          3,
        ],
      });
      expect(result.product?.images).toEqual(['https://cdn.example/a.jpg']);
      expect(result.warnings).toEqual([
        {
          code: 'dropped_image',
          field: 'images',
          message: '6 item(s) of "images" are not absolute image URLs',
        },
      ]);
    });

    it('defaults to an empty list', () => {
      expect(mapped({}).images).toEqual([]);
    });
  });

  describe('product URL', () => {
    it.each<[string, Record<string, unknown>, string]>([
      [
        'the permalink',
        { permalink: 'https://shop.example/p/shirt', slug: 'ignored' },
        'https://shop.example/p/shirt',
      ],
      ['a permalink alias', { product_url: 'https://shop.example/p/shirt' }, 'https://shop.example/p/shirt'],
      [
        'a permalink on another host',
        { permalink: 'https://www.shop.example/p/shirt' },
        'https://www.shop.example/p/shirt',
      ],
      [
        'a site-absolute permalink, resolved against the store',
        { url: '/p/shirt' },
        'https://shop.example/p/shirt',
      ],
      [
        'the slug when there is no permalink',
        { slug: 'linen-shirt' },
        'https://shop.example/product/linen-shirt',
      ],
      [
        'a slug alias',
        { slug: undefined, handle: 'linen-shirt' },
        'https://shop.example/product/linen-shirt',
      ],
      ['a numeric slug', { slug: 1984 }, 'https://shop.example/product/1984'],
      [
        'a slug with spaces and accents, encoded',
        { slug: 'café crème' },
        'https://shop.example/product/caf%C3%A9%20cr%C3%A8me',
      ],
      ['an already encoded slug, not twice', { slug: 'caf%C3%A9' }, 'https://shop.example/product/caf%C3%A9'],
      [
        'a slug with slashes',
        { slug: '/men/shirts/linen/' },
        'https://shop.example/product/men/shirts/linen',
      ],
    ])('uses %s', (_label, raw, url) => {
      const result = map(raw);
      expect(result.product?.url).toBe(url);
      expect(result.warnings).toEqual([]);
    });

    it('falls back to the store home page with a warning', () => {
      const result = toNormalizedProduct({ id: 1, name: 'x' }, context());
      expect(result.product?.url).toBe('https://shop.example/');
      expect(warningCodes(result)).toEqual(['missing_product_url:permalink']);
    });

    it('tolerates a base URL with a trailing slash', () => {
      const result = toNormalizedProduct(
        { id: 1, name: 'x', slug: 's' },
        { baseUrl: 'https://shop.example/', mappings: {} },
      );
      expect(result.product?.url).toBe('https://shop.example/product/s');
    });

    it.each<[unknown]>([['javascript:alert(1)'], ['not a url'], [{ href: 'x' }]])(
      'ignores an unusable permalink %p for the slug, with a warning',
      (permalink) => {
        const result = map({ permalink, slug: 'shirt' });
        expect(result.product?.url).toBe('https://shop.example/product/shirt');
        expect(warningCodes(result)).toEqual(['invalid_value:permalink']);
      },
    );
  });

  describe('dates', () => {
    it.each<[string, unknown, string]>([
      ['ISO with Z', '2024-03-10T12:30:00Z', '2024-03-10T12:30:00.000Z'],
      ['ISO with milliseconds', '2024-03-10T12:30:00.123Z', '2024-03-10T12:30:00.123Z'],
      ['ISO with microseconds', '2024-03-10T12:30:00.123456Z', '2024-03-10T12:30:00.123Z'],
      ['ISO with a positive offset', '2024-03-10T12:30:00+02:00', '2024-03-10T10:30:00.000Z'],
      ['ISO with a negative compact offset', '2024-03-10T12:30:00-0530', '2024-03-10T18:00:00.000Z'],
      ['ISO without offset, read as UTC', '2024-03-10T12:30:00', '2024-03-10T12:30:00.000Z'],
      ['ISO without seconds', '2024-03-10T12:30', '2024-03-10T12:30:00.000Z'],
      ['SQL style', '2024-03-10 12:30:00', '2024-03-10T12:30:00.000Z'],
      ['a date only', '2024-03-10', '2024-03-10T00:00:00.000Z'],
      ['unix seconds', 1_710_073_800, '2024-03-10T12:30:00.000Z'],
      ['unix seconds as a string', '1710073800', '2024-03-10T12:30:00.000Z'],
      ['fractional unix seconds', 1_710_073_800.5, '2024-03-10T12:30:00.500Z'],
      ['unix milliseconds', 1_710_073_800_123, '2024-03-10T12:30:00.123Z'],
      ['unix milliseconds as a string', '1710073800123', '2024-03-10T12:30:00.123Z'],
      ['the epoch', 0, '1970-01-01T00:00:00.000Z'],
      ['ISO UTC with milliseconds, as we write it', '2024-02-29T12:30:00.123Z', '2024-02-29T12:30:00.123Z'],
    ])('reads %s', (_label, value, expected) => {
      expect(mapped({ created_at: value, updated_at: value })).toMatchObject({
        createdAt: expected,
        updatedAt: expected,
      });
    });

    it.each<[unknown]>([
      ['yesterday'],
      ['2024-02-30'],
      ['2023-02-29T12:30:00.000Z'],
      ['0050-01-01T00:00:00.000Z'],
      ['2024-13-01'],
      ['2024-03-10T25:00:00Z'],
      ['10/03/2024'],
      [-5],
      [true],
      [{ date: '2024-03-10' }],
    ])('leaves %p out with a warning', (value) => {
      const result = map({ created_at: value });
      expect(result.product).not.toHaveProperty('createdAt');
      expect(warningCodes(result)).toEqual(['unparseable_date:created_at']);
    });
  });

  describe('output', () => {
    const full = {
      product_id: 1001,
      title: 'Linen Shirt',
      selling_price: '$49.90',
      list_price: '59.90',
      discount_price: 49.9,
      product_sku: 'LS-1001',
      body: '<p>Soft linen.</p>',
      summary: 'Soft linen.',
      availability: 'available',
      inventory: 12,
      category: 'Shirts, Summer',
      labels: [{ name: 'new' }],
      gallery: [{ src: 'https://cdn.example/ls-1.jpg' }],
      variations: [{ size: 'M' }],
      link: 'https://shop.example/p/linen-shirt',
      created_at: '2024-01-01T00:00:00Z',
      updated_at: 1_704_153_600,
      cost_price: 12,
      supplier_email: 'supplier@example.com',
    };

    it('builds a valid NormalizedProduct from aliased fields', () => {
      const result = toNormalizedProduct(full, context());
      expect(result).toEqual({ product: expect.any(NormalizedProduct), warnings: [] });
      expect(result.product).toEqual({
        id: '1001',
        name: 'Linen Shirt',
        price: 49.9,
        regularPrice: 59.9,
        salePrice: 49.9,
        sku: 'LS-1001',
        description: '<p>Soft linen.</p>',
        shortDescription: 'Soft linen.',
        stockStatus: 'in_stock',
        stockQuantity: 12,
        categories: ['Shirts', 'Summer'],
        tags: ['new'],
        images: ['https://cdn.example/ls-1.jpg'],
        url: 'https://shop.example/p/linen-shirt',
        createdAt: '2024-01-01T00:00:00.000Z',
        updatedAt: '2024-01-02T00:00:00.000Z',
      });
      expect(validateSync(result.product as object)).toEqual([]);
    });

    it('validates with only the required fields', () => {
      const result = toNormalizedProduct({ id: 1, name: 'x' }, context());
      expect(Object.keys(result.product ?? {}).sort()).toEqual([
        'categories',
        'id',
        'images',
        'name',
        'tags',
        'url',
      ]);
      expect(validateSync(result.product as object)).toEqual([]);
    });

    it('does not copy unknown or unmapped store fields', () => {
      const keys = Object.keys(toNormalizedProduct(full, context()).product ?? {});
      for (const key of ['cost_price', 'supplier_email', 'variations', 'attributes', 'product_id', 'link']) {
        expect(keys).not.toContain(key);
      }
    });

    it('does not modify its input', () => {
      const raw = structuredClone(full);
      toNormalizedProduct(raw, context());
      expect(raw).toEqual(full);
    });
  });
});
