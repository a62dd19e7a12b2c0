import { demoProduct } from './demo-catalog';
import { styleDemoProduct } from './demo-product-style';

describe('demo catalogue variations', () => {
  const products = Array.from({ length: 300 }, (_, k) => demoProduct(k + 1));
  const varied = products.filter((product) => product.attributes !== undefined);

  it('sells about a third of the products in two to four sizes, the same ones every time', () => {
    expect(varied.length).toBeGreaterThan(50);
    expect(varied.length).toBeLessThan(150);
    for (const product of varied) {
      expect(product.attributes?.length).toBeGreaterThanOrEqual(2);
      expect(product.attributes?.length).toBeLessThanOrEqual(4);
    }
    const [first] = varied;
    expect(demoProduct(Number(first.id.slice('prod_'.length)))).toEqual(first);
  });

  it('gives each size its own id, SKU, prices, stock and image, coherent with the product', () => {
    for (const product of varied) {
      const variations = product.attributes ?? [];
      expect(new Set(variations.map((variation) => variation.id)).size).toBe(variations.length);
      expect(new Set(variations.map((variation) => variation.sku)).size).toBe(variations.length);
      expect(new Set(variations.map((variation) => variation.image)).size).toBe(variations.length);
      // The product sells at its cheapest size, and holds the stock of them all.
      expect(Math.min(...variations.map((variation) => variation.price))).toBe(product.price);
      expect(variations.reduce((sum, variation) => sum + variation.stock_quantity, 0)).toBe(
        product.stock_quantity,
      );
      for (const variation of variations) {
        expect(variation.price).toBe(variation.sale_price ?? variation.regular_price);
        expect(variation.image).toMatch(/^https:\/\//);
      }
    }
  });

  it('serves the variations under "variations" in the aliases style', () => {
    const [product] = varied;
    const index = Number(product.id.slice('prod_'.length));
    const styled = styleDemoProduct(product, index, {
      fieldStyle: 'aliases',
      categoriesAsCsv: false,
      pricesAsStrings: false,
    }) as Record<string, unknown>;

    expect(styled['variations']).toEqual(product.attributes);
    expect(styled).not.toHaveProperty('attributes');
  });
});
