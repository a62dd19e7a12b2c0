import type { NormalizedOrder, NormalizedOrderItem } from '@storebridge/contracts';
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
  ])('takes the amount from %s', (_label, overrides, amount, withoutTax) => {
    const result = orderOf(mapped(overrides));

    expect([result.amount, result.amount_without_tax]).toEqual([amount, withoutTax]);
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
