import { DEMO_STORE_ORIGIN, demoOrder, demoProduct } from './demo-catalog';

describe('demo catalogue', () => {
  it('generates the same product for the same index', () => {
    expect(demoProduct(42)).toEqual(demoProduct(42));
    expect(demoOrder(7, 100)).toEqual(demoOrder(7, 100));
  });

  it('generates distinct ids and slugs', () => {
    const products = Array.from({ length: 500 }, (_, k) => demoProduct(k + 1));
    expect(new Set(products.map((p) => p.id)).size).toBe(500);
    expect(new Set(products.map((p) => p.slug)).size).toBe(500);
  });

  it('fills every field of the generic product contract', () => {
    const product = demoProduct(1);
    expect(product.id).toBe('prod_1');
    expect(product.permalink).toBe(`${DEMO_STORE_ORIGIN}/product/${product.slug}`);
    expect(product.images.length).toBeGreaterThan(0);
    for (const image of product.images) {
      expect(image).toMatch(/^https:\/\//);
    }
    expect(product.categories.length).toBeGreaterThan(0);
    expect(typeof product.price).toBe('number');
    expect(new Date(product.created_at).toISOString()).toBe(product.created_at);
    expect(Date.parse(product.updated_at)).toBeGreaterThanOrEqual(Date.parse(product.created_at));
  });

  it('mixes sale and regular prices, in and out of stock', () => {
    const products = Array.from({ length: 200 }, (_, k) => demoProduct(k + 1));
    const onSale = products.filter((p) => p.sale_price !== undefined);
    expect(onSale.length).toBeGreaterThan(0);
    expect(onSale.length).toBeLessThan(products.length);
    for (const p of onSale) {
      expect(p.price).toBe(p.sale_price);
      expect(p.price).toBeLessThan(p.regular_price);
    }
    for (const p of products.filter((q) => q.sale_price === undefined)) {
      expect(p.price).toBe(p.regular_price);
    }
    const outOfStock = products.filter((p) => p.stock_status === 'out_of_stock');
    expect(outOfStock.length).toBeGreaterThan(0);
    expect(outOfStock.every((p) => p.stock_quantity === 0)).toBe(true);
  });

  it('builds orders from products within the store size', () => {
    const orders = Array.from({ length: 100 }, (_, k) => demoOrder(k + 1, 5));
    const productIds = new Set(['prod_1', 'prod_2', 'prod_3', 'prod_4', 'prod_5']);
    for (const order of orders) {
      expect(order.items.length).toBeGreaterThan(0);
      for (const item of order.items) {
        expect(productIds.has(item.product_id)).toBe(true);
        expect(item.price).toBe(demoProduct(Number(item.product_id.slice(5))).price);
      }
      expect(order.total).toBeCloseTo(order.subtotal + order.shipping, 2);
      expect(order.currency).toBe('EUR');
    }
    expect(new Set(orders.map((o) => o.customer_email)).size).toBeLessThan(orders.length);
  });

  it('builds item-less orders for a store without products', () => {
    expect(demoOrder(1, 0)).toMatchObject({ id: 'ord_1', items: [], total: 0 });
  });

  it.each([0, -1, 1.5])('refuses index %p', (index) => {
    expect(() => demoProduct(index)).toThrow(RangeError);
    expect(() => demoOrder(index)).toThrow(RangeError);
  });
});
