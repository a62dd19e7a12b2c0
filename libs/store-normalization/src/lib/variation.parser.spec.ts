import { toNormalizedProduct } from './product.mapper';
import { parseVariations } from './variation.parser';

const BASE = 'https://shop.example';

describe('parseVariations', () => {
  it.each<[string, unknown]>([
    ['a key-value object', { color: 'Black', size: 'M' }],
    ['name/value pairs', [{ name: 'color', value: 'Black' }]],
    ['attribute lists with their own id', [{ id: 3, name: 'Color', options: ['Black', 'White'] }]],
    ['plain strings', ['Black', 'M']],
    ['a string', 'Black'],
  ])('reads %s as a description of the product, not variants', (_label, value) => {
    expect(parseVariations(value, BASE)).toEqual({ variations: [], problems: [] });
  });

  it('reads each identified, sellable item as a variant with its own price, stock, reference and image', () => {
    const parsed = parseVariations(
      [
        {
          id: 'v1',
          sku: 'TS-BLK-M',
          price: '19.90',
          regular_price: 24.9,
          stock_quantity: '4',
          image: '//cdn.example/black.jpg',
          attributes: { color: 'Black', size: 'M' },
          barcode: '4006381333931',
        },
        { variant_id: 7, selling_price: 21, availability: 'out of stock', title: 'White / L' },
        {
          sku: 'TS-RED-S',
          stock: 0,
          images: [{ src: 'https://cdn.example/red.jpg' }],
          options: ['Red', 'S'],
        },
      ],
      BASE,
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.variations).toEqual([
      {
        id: 'v1',
        name: 'Black / M',
        sku: 'TS-BLK-M',
        ean13: '4006381333931',
        price: 19.9,
        regularPrice: 24.9,
        stockQuantity: 4,
        stockStatus: 'in_stock',
        image: 'https://cdn.example/black.jpg',
      },
      { id: '7', name: 'White / L', price: 21, stockStatus: 'out of stock' },
      {
        id: 'TS-RED-S',
        name: 'Red / S',
        sku: 'TS-RED-S',
        stockQuantity: 0,
        stockStatus: 'out_of_stock',
        image: 'https://cdn.example/red.jpg',
      },
    ]);
  });

  it('leaves out, with a problem each, a sellable item without id or sku and a repeated id', () => {
    const parsed = parseVariations(
      [{ price: 5 }, { id: 'a', price: 1 }, { id: 'a', price: 2 }, { id: 'b', price: 'call us' }],
      BASE,
    );
    expect(parsed.variations.map((variation) => [variation.id, variation.price])).toEqual([
      ['a', 1],
      ['b', undefined],
    ]);
    expect(parsed.problems).toEqual([
      'item 0 has a price or stock but no id or sku: left out',
      'item 2 repeats variation id "a": left out',
      'variation "b" price: "price" ("call us") is not a price',
    ]);
  });
});

describe('toNormalizedProduct variations', () => {
  const map = (attributes: Record<string, unknown>) =>
    toNormalizedProduct({ id: 'p1', name: 'Tee', ...attributes }, { baseUrl: BASE, mappings: {} });

  it.each(['attributes', 'variations', 'options'])('reads variants under "%s"', (key) => {
    const result = map({ [key]: [{ id: 'v1', price: 10 }] });
    expect(result.product?.variations).toEqual([{ id: 'v1', price: 10 }]);
  });

  it('keeps no variations key for a product without variants, so its content is what it was', () => {
    expect(map({ attributes: { color: 'Black' } }).product).not.toHaveProperty('variations');
    expect(map({}).product).not.toHaveProperty('variations');
  });

  it('warns of the variants it had to leave out', () => {
    expect(map({ attributes: [{ price: 3 }], slug: 'tee' }).warnings).toEqual([
      {
        code: 'dropped_variation',
        field: 'attributes',
        message: 'item 0 has a price or stock but no id or sku: left out',
      },
    ]);
  });
});
