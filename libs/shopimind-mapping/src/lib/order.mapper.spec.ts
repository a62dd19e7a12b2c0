import fc from 'fast-check';
import type { NormalizedOrder, NormalizedOrderItem } from '@storebridge/contracts';
import { toCustomerAddressDrafts } from './address.mapper';
import { toShopimindCustomerId } from './customer.mapper';
import { toShopimindOrder, type OrderMapping, type ShopimindOrderContext } from './order.mapper';
import type { ShopimindOrder } from './shopimind-records';

const context: ShopimindOrderContext = {
  lang: 'fr',
  currency: 'EUR',
  productIds: new Map([
    ['prod_1', 101],
    ['prod_2', 102],
  ]),
  now: '2026-01-01T00:00:00.000Z',
};

function order(overrides: Partial<NormalizedOrder> = {}): NormalizedOrder {
  return {
    id: 'ord_7',
    customerEmail: 'ada@example.com',
    items: [{ productId: 'prod_1', quantity: 2, price: 10 }],
    ...overrides,
  };
}

function mapped(
  overrides: Partial<NormalizedOrder> = {},
  extra: Partial<ShopimindOrderContext> = {},
): OrderMapping {
  return toShopimindOrder(order(overrides), { ...context, ...extra });
}

function orderOf(mapping: OrderMapping): ShopimindOrder {
  if (mapping.kind !== 'order') {
    throw new Error(`expected an order, got ${mapping.reason}`);
  }
  return mapping.order;
}

describe('toShopimindOrder', () => {
  it('maps a complete order field by field', () => {
    const mapping = mapped(
      {
        orderNumber: '#1007',
        status: 'Completed',
        total: 59,
        subtotal: 45,
        tax: 9,
        shipping: 5,
        currency: 'CHF',
        customerEmail: 'Ada@Example.com',
        customerName: 'Ada Lovelace',
        items: [
          { productId: 'prod_1', quantity: 2, price: 10 },
          { productId: 'prod_2', quantity: 1, price: 25 },
        ],
        paymentMethod: 'card',
        createdAt: '2025-05-01T10:00:00.000Z',
        updatedAt: '2025-05-03T10:00:00.000Z',
      },
      { dataSourceId: 3 },
    );

    expect(mapping).toEqual({
      kind: 'order',
      leftOutLines: 0,
      unknownProductIds: [],
      order: {
        order_id: 'ord_7',
        lang: 'fr',
        reference: '#1007',
        status_id: 'completed',
        customer: {
          customer_id: toShopimindCustomerId('ada@example.com'),
          email: 'ada@example.com',
          created_at: '2025-05-01T10:00:00.000Z',
        },
        // The lines add up to the subtotal: their prices are without tax already.
        products: [
          { product_id: 101, price: 10, price_without_tax: 10, quantity: 2 },
          { product_id: 102, price: 25, price_without_tax: 25, quantity: 1 },
        ],
        cart_id: 'ord_7',
        cart_updated_at: '2025-05-03T10:00:00.000Z',
        amount: 59,
        amount_without_tax: 50,
        shipping_costs: 5,
        shipping_costs_without_tax: 5,
        currency: 'CHF',
        is_confirmed: true,
        created_at: '2025-05-01T10:00:00.000Z',
        updated_at: '2025-05-03T10:00:00.000Z',
        id_data_source: 3,
      },
    });
  });

  it('fills in what an order leaves out from the connection and the sync time', () => {
    const result = orderOf(mapped({ items: [] }));

    expect(result).toMatchObject({
      reference: null,
      status_id: 'unknown',
      is_confirmed: false,
      currency: 'EUR',
      amount: 0,
      amount_without_tax: 0,
      shipping_costs: 0,
      shipping_costs_without_tax: 0,
      products: [],
      created_at: context.now,
      updated_at: context.now,
      cart_updated_at: context.now,
      customer: { created_at: context.now },
    });
    expect(result).not.toHaveProperty('id_data_source');
  });

  it('dates an order that has only a creation date by it', () => {
    const result = orderOf(mapped({ createdAt: '2025-05-01T10:00:00.000Z' }));

    expect([result.created_at, result.updated_at, result.cart_updated_at]).toEqual([
      '2025-05-01T10:00:00.000Z',
      '2025-05-01T10:00:00.000Z',
      '2025-05-01T10:00:00.000Z',
    ]);
  });

  it.each<[string, Partial<NormalizedOrder>, number, number]>([
    ['the total', { total: 100, subtotal: 70, tax: 20, shipping: 5 }, 100, 80],
    ['subtotal, tax and shipping without a total', { subtotal: 70, tax: 20, shipping: 5 }, 95, 75],
    ['a subtotal alone', { subtotal: 70 }, 70, 70],
    ['the lines without total or subtotal', { tax: 4 }, 24, 20],
    ['the lines plus shipping', { shipping: 4.9 }, 24.9, 24.9],
    ['a sum with float noise', { subtotal: 0.1, tax: 0.2 }, 0.3, 0.1],
    ['a tax above the total', { total: 5, tax: 8 }, 5, 0],
    [
      'the total above subtotal and shipping, the rest being tax',
      { total: 100, subtotal: 80, shipping: 5 },
      100,
      85,
    ],
    [
      'the total equal to subtotal and shipping: no tax known',
      { total: 75, subtotal: 70, shipping: 5 },
      75,
      75,
    ],
    ['a total below subtotal and shipping (a discount): no tax known', { total: 60, subtotal: 70 }, 60, 60],
  ])('takes the amount from %s', (_label, overrides, amount, withoutTax) => {
    const result = orderOf(mapped(overrides));

    expect([result.amount, result.amount_without_tax]).toEqual([amount, withoutTax]);
  });

  it("takes the lines without tax from the subtotal, as in the generic API's example order", () => {
    const result = orderOf(
      mapped({
        total: 699.98,
        subtotal: 649.98,
        tax: 32.5,
        shipping: 17.5,
        currency: 'USD',
        items: [{ productId: 'prod_1', quantity: 2, price: 349.99 }],
      }),
    );

    // Subtotal 649.98 of lines worth 699.98; shipping without tax is what remains of 667.48 without tax.
    expect(result).toMatchObject({
      amount: 699.98,
      amount_without_tax: 667.48,
      shipping_costs: 17.5,
      shipping_costs_without_tax: 17.5,
      products: [{ product_id: 101, price: 349.99, price_without_tax: 324.99, quantity: 2 }],
    });
  });

  it('leaves shipping untaxed when the tax is all on the goods (total = subtotal + tax + shipping)', () => {
    // Prices include 20 % VAT: 60 paid for the goods is 50 + 10 tax, and shipping 4.90 carries none.
    const result = orderOf(
      mapped({
        total: 64.9,
        subtotal: 50,
        tax: 10,
        shipping: 4.9,
        items: [
          { productId: 'prod_1', quantity: 1, price: 36 },
          { productId: 'prod_2', quantity: 1, price: 24 },
        ],
      }),
    );

    expect(result.shipping_costs_without_tax).toBe(4.9);
    expect(result.products.map((line) => line.price_without_tax)).toEqual([30, 20]);
  });

  it("spreads the order's tax over its lines and shipping when the store gives no subtotal", () => {
    const result = orderOf(
      mapped({
        total: 59,
        tax: 9,
        shipping: 5,
        items: [
          { productId: 'prod_1', quantity: 2, price: 10 },
          { productId: 'prod_2', quantity: 1, price: 25 },
        ],
      }),
    );

    expect(result.products.map((line) => line.price_without_tax)).toEqual([8.47, 21.19]);
    expect(result.shipping_costs_without_tax).toBe(4.24);
  });

  it("rounds what it derives to the currency's minor units", () => {
    const result = orderOf(
      mapped({
        total: 10_000,
        tax: 909,
        shipping: 500,
        currency: 'JPY',
        items: [{ productId: 'prod_1', quantity: 3, price: 3000 }],
      }),
    );

    expect([result.products[0].price_without_tax, result.shipping_costs_without_tax]).toEqual([2727, 455]);
  });

  it('keeps prices with and without tax equal when no tax is known', () => {
    const result = orderOf(mapped({ total: 25, shipping: 5 }));

    expect([result.products[0].price_without_tax, result.shipping_costs_without_tax]).toEqual([10, 5]);
  });

  it('never derives an amount without tax above its amount, nor below 0', () => {
    const money = fc.integer({ min: 0, max: 1_000_000 }).map((cents) => cents / 100);
    fc.assert(
      fc.property(
        fc.record({ total: money, subtotal: money, tax: money, shipping: money }, { requiredKeys: [] }),
        fc.array(fc.record({ quantity: fc.integer({ min: 1, max: 5 }), price: money }), { maxLength: 3 }),
        (amounts, lines) => {
          const result = orderOf(
            mapped({ ...amounts, items: lines.map((line) => ({ productId: 'prod_1', ...line })) }),
          );
          const pairs = [
            [result.amount, result.amount_without_tax],
            [result.shipping_costs, result.shipping_costs_without_tax],
            ...result.products.map((line) => [line.price, line.price_without_tax]),
          ];
          for (const [withTax, withoutTax] of pairs) {
            expect(withoutTax).toBeGreaterThanOrEqual(0);
            expect(withoutTax).toBeLessThanOrEqual(withTax);
          }
        },
      ),
    );
  });

  it('points at the addresses of the order by their ShopiMind numbers', () => {
    const billingAddress = { street: '12 St James Sq', city: 'London', country: 'GB' };
    const shippingAddress = { street: '1 Navy Way', city: 'Arlington', country: 'US' };
    const placed = order({ billingAddress, shippingAddress });
    const { billing, shipping } = toCustomerAddressDrafts(placed, {});
    const addressIds = new Map([
      [billing?.key ?? '', 4_294_967_301],
      [shipping?.key ?? '', 4_294_967_302],
    ]);

    const result = orderOf(toShopimindOrder(placed, { ...context, addressIds }));

    expect([result.address_invoice_id, result.address_delivery_id]).toEqual(['4294967301', '4294967302']);
  });

  it('points at no address the order has not, or whose number is not known', () => {
    const placed = order({ billingAddress: { city: 'London' } });

    expect(orderOf(toShopimindOrder(placed, context))).not.toHaveProperty('address_invoice_id');
    expect(orderOf(toShopimindOrder(placed, { ...context, addressIds: new Map() }))).not.toHaveProperty(
      'address_delivery_id',
    );
  });

  it('sends no payment method: ShopiMind orders have no field for it', () => {
    expect(JSON.stringify(orderOf(mapped({ paymentMethod: 'credit_card' })))).not.toContain('credit_card');
  });

  it('counts every line in the amount, even lines it cannot send', () => {
    const result = orderOf(
      mapped({
        items: [
          { productId: 'prod_1', quantity: 2, price: 10 },
          { name: 'Gift wrap', quantity: 1, price: 3 },
          { productId: 'prod_2', quantity: 3 },
        ],
      }),
    );

    expect(result.amount).toBe(23);
  });

  it.each<[string, NormalizedOrderItem, string[]]>([
    ['without a product id', { name: 'Gift wrap', quantity: 1, price: 3 }, []],
    [
      'whose product ShopiMind does not have',
      { productId: 'prod_unknown', quantity: 1, price: 3 },
      ['prod_unknown'],
    ],
    ['without units', { productId: 'prod_2', quantity: 0, price: 3 }, []],
  ])('leaves out a line %s and reports it', (_label, line, unknownProductIds) => {
    const mapping = mapped({ items: [{ productId: 'prod_1', quantity: 2, price: 10 }, line] });

    expect(mapping).toMatchObject({ kind: 'order', leftOutLines: 1, unknownProductIds });
    expect(orderOf(mapping).products).toEqual([
      { product_id: 101, price: 10, price_without_tax: 10, quantity: 2 },
    ]);
  });

  it('prices a line without a unit price at 0', () => {
    const result = orderOf(mapped({ items: [{ productId: 'prod_2', quantity: 1 }] }));

    expect(result.products).toEqual([{ product_id: 102, price: 0, price_without_tax: 0, quantity: 1 }]);
  });

  it.each<[string | undefined, string, boolean]>([
    ['Processing', 'processing', true],
    ['paid', 'paid', true],
    ['Shipped', 'shipped', true],
    ['delivered', 'delivered', true],
    ['pending', 'pending', false],
    ['On Hold', 'on_hold', false],
    ['cancelled', 'cancelled', false],
    ['refunded', 'refunded', false],
    ['failed', 'failed', false],
    [undefined, 'unknown', false],
  ])('derives status id and confirmation from %p', (status, statusId, confirmed) => {
    const result = orderOf(mapped({ status }));

    expect([result.status_id, result.is_confirmed]).toEqual([statusId, confirmed]);
  });

  it.each<[string, Partial<NormalizedOrder>]>([
    ['no customer email', { customerEmail: undefined }],
    ['a blank customer email', { customerEmail: ' ' }],
  ])('skips an order with %s: ShopiMind requires it', (_label, overrides) => {
    expect(mapped(overrides)).toEqual({ kind: 'skipped', reason: 'missing_customer_email' });
  });
});
