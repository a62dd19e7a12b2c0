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

  it('builds orders from products within the store size, plus lines that name no product', () => {
    const orders = Array.from({ length: 100 }, (_, k) => demoOrder(k + 1, 5));
    const productIds = new Set(['prod_1', 'prod_2', 'prod_3', 'prod_4', 'prod_5']);
    for (const order of orders) {
      expect(order.items.filter((item) => item.product_id !== undefined).length).toBeGreaterThan(0);
      for (const item of order.items) {
        if (item.product_id === undefined) {
          expect(item).toEqual({ name: 'Gift wrapping', quantity: 1, price: 3.5 });
          continue;
        }
        expect(productIds.has(item.product_id)).toBe(true);
        expect(item.price).toBe(demoProduct(Number(item.product_id.slice(5))).price);
      }
      expect(order.currency).toBe('EUR');
    }
    const unnamed = orders.filter((order) => order.items.some((item) => item.product_id === undefined));
    expect(unnamed.length).toBeGreaterThan(0);
    expect(unnamed.length).toBeLessThan(orders.length);
    expect(new Set(orders.map((o) => o.customer_email)).size).toBeLessThan(orders.length);
  });

  it('adds up like the generic API example: total = subtotal + tax + shipping, prices including the tax', () => {
    for (const order of Array.from({ length: 100 }, (_, k) => demoOrder(k + 1, 50))) {
      const paid = order.items.reduce((sum, item) => sum + item.price * item.quantity, 0);
      expect(order.total).toBeCloseTo(order.subtotal + order.tax + order.shipping, 2);
      expect(order.total).toBeCloseTo(paid + order.shipping, 2);
      // 20 % VAT included in what was paid for the goods.
      expect(order.tax).toBe(Math.round((paid - paid / 1.2) * 100) / 100);
    }
  });

  it("gives every order its customer's phone and billing address, some a shipping address elsewhere", () => {
    const orders = Array.from({ length: 100 }, (_, k) => demoOrder(k + 1, 50));
    for (const order of orders) {
      const [first_name, last_name] = order.customer_name.split(' ');
      expect(order.billing_address).toMatchObject({ first_name, last_name, phone: order.customer_phone });
      expect(order.billing_address).toEqual({
        first_name,
        last_name,
        phone: expect.stringMatching(/^\+33 6 \d{2} \d{2} \d{2} \d{2}$/),
        street: expect.any(String),
        city: expect.any(String),
        zip: expect.stringMatching(/^\d{5}$/),
        country: 'FR',
      });
      expect(typeof order.accepts_marketing).toBe('boolean');
    }
    // A customer lives at one place, whichever order.
    const byEmail = new Map(orders.map((order) => [order.customer_email, order.billing_address]));
    for (const order of orders) {
      expect(order.billing_address).toEqual(byEmail.get(order.customer_email));
    }
    const elsewhere = orders.filter(
      (order) => order.shipping_address.street !== order.billing_address.street,
    );
    expect(elsewhere.length).toBeGreaterThan(0);
    expect(elsewhere.length).toBeLessThan(orders.length);
    expect(orders.filter((order) => order.accepts_marketing).length).toBeGreaterThan(0);
  });

  it('leaves out the email of every n-th order when asked for guest orders, and only then', () => {
    const defaults = Array.from({ length: 30 }, (_, k) => demoOrder(k + 1, 5));
    expect(defaults.every((order) => order.customer_email !== undefined)).toBe(true);

    const orders = Array.from({ length: 30 }, (_, k) => demoOrder(k + 1, 5, { guestOrderEvery: 10 }));
    expect(orders.filter((order) => order.customer_email === undefined).map((order) => order.id)).toEqual([
      'ord_10',
      'ord_20',
      'ord_30',
    ]);
    // A guest still names themselves and where to ship.
    expect(orders[9]).toMatchObject({
      customer_name: expect.any(String),
      billing_address: expect.any(Object),
    });
  });

  it('builds item-less orders for a store without products', () => {
    expect(demoOrder(1, 0)).toMatchObject({ id: 'ord_1', items: [], total: 0 });
  });

  it.each([0, -1, 1.5])('refuses index %p', (index) => {
    expect(() => demoProduct(index)).toThrow(RangeError);
    expect(() => demoOrder(index)).toThrow(RangeError);
  });
});
