import { NormalizedOrder, NormalizedOrderItem } from '@storebridge/contracts';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ORDER_FIELD_ALIASES, OrderField } from './field-aliases';
import { OrderMappingResult, toNormalizedOrder } from './order.mapper';

/** Spec §5 copied by hand (plus the fields its examples also show), so a table change is deliberate. */
const SPEC_ORDER_ALIASES: Record<string, string[]> = {
  id: ['order_id', 'order_number'],
  order_number: ['order_no', 'number'],
  status: ['order_status', 'state'],
  total: ['total_amount', 'grand_total', 'order_total'],
  subtotal: [],
  tax: [],
  shipping: [],
  currency: ['currency_code'],
  customer_email: ['email', 'billing_email'],
  customer_name: ['customer', 'buyer_name'],
  items: ['line_items', 'products', 'order_items'],
  shipping_address: [],
  billing_address: [],
  payment_method: [],
  created_at: ['date', 'order_date', 'created_date'],
  updated_at: [],
  customer_phone: ['phone', 'billing_phone', 'phone_number'],
  accepts_marketing: ['buyer_accepts_marketing', 'marketing_opt_in', 'opt_in', 'optin'],
  newsletter: ['newsletter_subscribed', 'is_newsletter_subscribed', 'subscribed_to_newsletter'],
};

/** For each canonical field: a store value and where and how it lands in the order. */
const FIELD_SAMPLES: Record<OrderField, [unknown, (o: NormalizedOrder) => unknown, unknown]> = {
  id: [1001, (o) => o.id, '1001'],
  order_number: [' #1001 ', (o) => o.orderNumber, '#1001'],
  status: ['processing', (o) => o.status, 'processing'],
  total: ['$1,299.50', (o) => o.total, 1299.5],
  subtotal: ['1200.00', (o) => o.subtotal, 1200],
  tax: [90, (o) => o.tax, 90],
  shipping: ['EUR 9.50', (o) => o.shipping, 9.5],
  currency: ['eur', (o) => o.currency, 'EUR'],
  customer_email: ['ada@example.com', (o) => o.customerEmail, 'ada@example.com'],
  customer_name: ['Ada Lovelace', (o) => o.customerName, 'Ada Lovelace'],
  items: [
    [{ product_id: 7, name: 'Shirt', quantity: 2, price: '19.90' }],
    (o) => o.items,
    [{ productId: '7', name: 'Shirt', quantity: 2, price: 19.9 }],
  ],
  shipping_address: [{ city: 'Paris' }, (o) => o.shippingAddress, { city: 'Paris' }],
  billing_address: [{ zip: 75001 }, (o) => o.billingAddress, { zip: '75001' }],
  payment_method: ['card', (o) => o.paymentMethod, 'card'],
  created_at: [1_704_067_200, (o) => o.createdAt, '2024-01-01T00:00:00.000Z'],
  updated_at: ['2024-01-02T03:04:05Z', (o) => o.updatedAt, '2024-01-02T03:04:05.000Z'],
  customer_phone: [' +33 1 23 45 67 89 ', (o) => o.customerPhone, '+33 1 23 45 67 89'],
  accepts_marketing: [true, (o) => o.acceptsMarketing, true],
  newsletter: ['no', (o) => o.newsletterSubscribed, false],
};

function map(raw: Record<string, unknown>, mappings: Record<string, string> = {}): OrderMappingResult {
  return toNormalizedOrder({ id: 'o1', ...raw }, { mappings });
}

function mapped(raw: Record<string, unknown>, mappings: Record<string, string> = {}): NormalizedOrder {
  const result = map(raw, mappings);
  if (result.order === undefined) {
    throw new Error(`expected an order, got skip reason ${result.skipReason}`);
  }
  return result.order;
}

const warningCodes = (result: OrderMappingResult): string[] =>
  result.warnings.map((w) => `${w.code}:${w.field}`);

describe('ORDER_FIELD_ALIASES', () => {
  it('is the spec §5 table, in order', () => {
    expect(ORDER_FIELD_ALIASES).toEqual(SPEC_ORDER_ALIASES);
  });
});

describe('toNormalizedOrder', () => {
  describe('field names', () => {
    const cases = Object.entries(SPEC_ORDER_ALIASES).flatMap(([field, aliases]) =>
      [field, ...aliases].map((key) => [field as OrderField, key] as const),
    );

    it.each(cases)('reads %s from "%s"', (field, key) => {
      const [value, read, expected] = FIELD_SAMPLES[field];
      const raw: Record<string, unknown> = field === 'id' ? { [key]: value } : { id: 'o1', [key]: value };
      const result = toNormalizedOrder(raw, { mappings: {} });
      expect(result.order && read(result.order)).toEqual(expected);
      expect(result.warnings).toEqual([]);
    });

    it('prefers the canonical name over an alias', () => {
      expect(mapped({ total: 10, total_amount: 20 }).total).toBe(10);
    });

    it('tries aliases in table order', () => {
      expect(mapped({ order_total: 3, grand_total: 2, total_amount: 1 }).total).toBe(1);
      expect(mapped({ created_date: 0, date: '2024-03-10' }).createdAt).toBe('2024-03-10T00:00:00.000Z');
    });

    it('reads the id from order_number when there is no id, and keeps it as the order number too', () => {
      const result = toNormalizedOrder({ order_number: 5001 }, { mappings: {} });
      expect(result.order).toMatchObject({ id: '5001', orderNumber: '5001' });
    });

    it('skips a blank canonical value for the next candidate', () => {
      expect(mapped({ status: '  ', order_status: 'paid' }).status).toBe('paid');
    });
  });

  describe('field mappings', () => {
    it('reads the mapped store field first', () => {
      expect(mapped({ status: 'canonical', fulfilment: 'shipped' }, { status: 'fulfilment' }).status).toBe(
        'shipped',
      );
    });

    it('replaces the aliases: a mapped field that is absent falls back to the canonical name only', () => {
      const order = mapped({ total_amount: 20 }, { total: 'amounts.gross' });
      expect(order).not.toHaveProperty('total');
      expect(mapped({ total: 5, total_amount: 20 }, { total: 'amounts.gross' }).total).toBe(5);
    });

    it('follows a dotted path', () => {
      expect(mapped({ amounts: { gross: '€ 12,50' } }, { total: 'amounts.gross' }).total).toBe(12.5);
      expect(
        mapped({ buyer: { contact: { email: 'b@example.com' } } }, { customer_email: 'buyer.contact.email' }),
      ).toMatchObject({ customerEmail: 'b@example.com' });
    });

    it('maps the id', () => {
      const result = toNormalizedOrder({ uuid: 'abc', order_id: 'x' }, { mappings: { id: 'uuid' } });
      expect(result.order?.id).toBe('abc');
    });

    it('maps the items list, whose lines still resolve by alias', () => {
      const order = mapped({ cart: { lines: [{ sku: 'S-1', qty: '3' }] } }, { items: 'cart.lines' });
      expect(order.items).toEqual([{ productId: 'S-1', quantity: 3 }]);
    });
  });

  describe('ids', () => {
    it.each<[unknown, string]>([
      [42, '42'],
      [' ord_42 ', 'ord_42'],
      [0, '0'],
    ])('turns %p into %p', (value, expected) => {
      expect(toNormalizedOrder({ id: value }, { mappings: {} }).order?.id).toBe(expected);
    });

    it.each<[string, Record<string, unknown>]>([
      ['no id at all', { status: 'paid' }],
      ['a blank id', { id: '  ' }],
      ['a null id', { id: null }],
      ['an object id', { id: { value: 1 } }],
      ['a boolean id', { id: true }],
    ])('skips an order with %s as missing_id', (_label, raw) => {
      expect(toNormalizedOrder(raw, { mappings: {} })).toEqual({ skipReason: 'missing_id', warnings: [] });
    });

    it.each<[unknown]>([[null], ['ord_1'], [[{ id: 1 }]], [42]])('skips %p as not_an_object', (raw) => {
      expect(toNormalizedOrder(raw, { mappings: {} })).toEqual({ skipReason: 'not_an_object', warnings: [] });
    });
  });

  describe('prices', () => {
    it.each<[unknown, number]>([
      [349.99, 349.99],
      ['349.99', 349.99],
      ['$349.99', 349.99],
      ['USD 349.99', 349.99],
      ['1,299.00', 1299],
      ['€1,299.00', 1299],
      ['1.299,00 €', 1299],
      [0, 0],
    ])('reads %p as %p', (value, expected) => {
      expect(mapped({ total: value, subtotal: value, tax: value, shipping: value })).toMatchObject({
        total: expected,
        subtotal: expected,
        tax: expected,
        shipping: expected,
      });
    });

    it.each<[unknown]>([['call us'], ['Free'], [-5], [{ amount: 5 }], [true]])(
      'leaves %p out with a warning, never 0',
      (value) => {
        const result = map({ total: value, items: [{ name: 'x', price: value }] });
        expect(result.order).not.toHaveProperty('total');
        expect(result.order?.items[0]).not.toHaveProperty('price');
        expect(warningCodes(result)).toEqual(['unparseable_price:total', 'unparseable_price:items.price']);
      },
    );
  });

  describe('dates', () => {
    it.each<[string, unknown, string]>([
      ['ISO with Z', '2024-03-10T12:30:00Z', '2024-03-10T12:30:00.000Z'],
      ['ISO with an offset', '2024-03-10T12:30:00+02:00', '2024-03-10T10:30:00.000Z'],
      ['SQL style', '2024-03-10 12:30:00', '2024-03-10T12:30:00.000Z'],
      ['unix seconds', 1_710_073_800, '2024-03-10T12:30:00.000Z'],
      ['unix seconds as a string', '1710073800', '2024-03-10T12:30:00.000Z'],
      ['unix milliseconds', 1_710_073_800_123, '2024-03-10T12:30:00.123Z'],
    ])('reads %s', (_label, value, expected) => {
      expect(mapped({ created_at: value, updated_at: value })).toMatchObject({
        createdAt: expected,
        updatedAt: expected,
      });
    });

    it.each<[unknown]>([['yesterday'], ['2024-02-30'], ['10/03/2024'], [-5], [true]])(
      'leaves %p out with a warning',
      (value) => {
        const result = map({ order_date: value });
        expect(result.order).not.toHaveProperty('createdAt');
        expect(warningCodes(result)).toEqual(['unparseable_date:created_at']);
        expect(result.warnings[0].message).toContain('"order_date"');
      },
    );
  });

  describe('text fields', () => {
    it('warns about a value that is not text and leaves it out', () => {
      const result = map({ customer: { first_name: 'Ada' }, state: ['paid'] });
      expect(result.order).not.toHaveProperty('customerName');
      expect(result.order).not.toHaveProperty('status');
      expect(warningCodes(result)).toEqual(['invalid_value:status', 'invalid_value:customer_name']);
    });

    it('leaves out an email that is not an email address, with a warning', () => {
      const result = map({ email: 'not an email' });
      expect(result.order).not.toHaveProperty('customerEmail');
      expect(warningCodes(result)).toEqual(['invalid_value:customer_email']);
    });
  });

  describe('items', () => {
    it.each<[string, Record<string, unknown>, NormalizedOrderItem]>([
      [
        'canonical names',
        { product_id: 'p1', name: 'Shirt', quantity: 2, price: 10 },
        { productId: 'p1', name: 'Shirt', quantity: 2, price: 10 },
      ],
      [
        'product-shaped lines',
        { id: 12, title: 'Shirt', qty: '4', unit_price: '$5.00' },
        { productId: '12', name: 'Shirt', quantity: 4, price: 5 },
      ],
      [
        'a sku and a product_name',
        { sku: 'S-1', product_name: 'Shirt' },
        { productId: 'S-1', name: 'Shirt', quantity: 1 },
      ],
      ['product_id before the line id', { id: 900, product_id: 12 }, { productId: '12', quantity: 1 }],
      ['a zero quantity', { product_id: 'p1', quantity: 0 }, { productId: 'p1', quantity: 0 }],
    ])('reads %s', (_label, line, expected) => {
      const result = map({ line_items: [line] });
      expect(result.order?.items).toEqual([expected]);
      expect(result.warnings).toEqual([]);
    });

    it('counts a line without quantity as one unit', () => {
      expect(mapped({ items: [{ product_id: 'p1' }] }).items[0].quantity).toBe(1);
    });

    it.each<[unknown]>([['two'], [-1], [1.5]])(
      'counts an unreadable quantity %p as one unit, with a warning',
      (qty) => {
        const result = map({ items: [{ product_id: 'p1', quantity: qty }] });
        expect(result.order?.items[0].quantity).toBe(1);
        expect(warningCodes(result)).toEqual(['invalid_value:items.quantity']);
      },
    );

    it('names the line in item warnings', () => {
      const result = map({ order_items: [{ name: 'a' }, { name: 'b', unit_price: 'n/a' }] });
      expect(result.warnings[0].message).toContain('"order_items.1.unit_price"');
    });

    it('drops entries that are not objects, with a warning each', () => {
      const result = map({ items: [{ name: 'kept' }, 'p2', null, 3] });
      expect(result.order?.items).toEqual([{ name: 'kept', quantity: 1 }]);
      expect(warningCodes(result)).toEqual([
        'invalid_value:items',
        'invalid_value:items',
        'invalid_value:items',
      ]);
    });

    it.each<[unknown]>([['[{"product_id":"p1"}]'], [{ product_id: 'p1' }], [7]])(
      'refuses %p as items (arrays only) with a warning',
      (value) => {
        const result = map({ items: value });
        expect(result.order?.items).toEqual([]);
        expect(warningCodes(result)).toEqual(['invalid_value:items']);
      },
    );

    it('gives an empty list when the order has no items', () => {
      expect(mapped({}).items).toEqual([]);
    });
  });

  describe('addresses', () => {
    it('reads the spec fields', () => {
      const address = { street: '1 Rue de Rivoli', city: 'Paris', state: 'IDF', zip: '75001', country: 'FR' };
      expect(mapped({ shipping_address: address, billing_address: address })).toMatchObject({
        shippingAddress: address,
        billingAddress: address,
      });
    });

    it('reads common store spellings', () => {
      const order = mapped({
        shipping_address: {
          address_1: '1 Main St',
          city: 'Springfield',
          province: 'IL',
          postcode: 62701,
          country_code: 'US',
        },
      });
      expect(order.shippingAddress).toEqual({
        street: '1 Main St',
        city: 'Springfield',
        state: 'IL',
        zip: '62701',
        country: 'US',
      });
    });

    it('reads who the address is for, their company, phone and second street line', () => {
      const order = mapped({
        billing_address: {
          first_name: 'Ada',
          last_name: 'Lovelace',
          company: 'Analytical Engines Ltd',
          phone: '+44 20 7946 0000',
          street: '12 St James Sq',
          street_2: 'Flat 3',
          city: 'London',
          zip: 'SW1Y 4JH',
          country: 'GB',
        },
        shipping_address: {
          firstname: 'Grace',
          surname: 'Hopper',
          full_name: 'Grace Brewster Hopper',
          company_name: 'Navy',
          telephone: '555-0100',
          address_line_1: '1 Navy Way',
          address2: 'Building 5',
          city: 'Arlington',
        },
      });
      expect(order.billingAddress).toEqual({
        firstName: 'Ada',
        lastName: 'Lovelace',
        company: 'Analytical Engines Ltd',
        phone: '+44 20 7946 0000',
        street: '12 St James Sq',
        street2: 'Flat 3',
        city: 'London',
        zip: 'SW1Y 4JH',
        country: 'GB',
      });
      expect(order.shippingAddress).toEqual({
        firstName: 'Grace',
        lastName: 'Hopper',
        name: 'Grace Brewster Hopper',
        company: 'Navy',
        phone: '555-0100',
        street: '1 Navy Way',
        street2: 'Building 5',
        city: 'Arlington',
      });
      expect(validateSync(plainToInstance(NormalizedOrder, order))).toEqual([]);
    });

    it('does not copy unknown address fields and leaves out an address with none of the known ones', () => {
      const order = mapped({
        shipping_address: { city: 'Paris', door_code: '1234' },
        billing_address: { door_code: '1234' },
      });
      expect(order.shippingAddress).toEqual({ city: 'Paris' });
      expect(order).not.toHaveProperty('billingAddress');
    });

    it('warns about an address that is not an object, or a part that is not text', () => {
      const result = map({
        shipping_address: '1 Main St, Springfield',
        billing_address: { city: ['Paris'] },
      });
      expect(result.order).not.toHaveProperty('shippingAddress');
      expect(result.order).not.toHaveProperty('billingAddress');
      expect(warningCodes(result)).toEqual([
        'invalid_value:shipping_address',
        'invalid_value:billing_address.city',
      ]);
      expect(result.warnings[1].message).toContain('"billing_address.city"');
    });
  });

  describe('marketing consent', () => {
    it.each<[unknown, boolean]>([
      [true, true],
      [false, false],
      [1, true],
      [0, false],
      ['yes', true],
      [' No ', false],
      ['TRUE', true],
      ['false', false],
      ['1', true],
      ['0', false],
    ])('reads %p as %p', (value, expected) => {
      expect(mapped({ accepts_marketing: value, newsletter: value })).toMatchObject({
        acceptsMarketing: expected,
        newsletterSubscribed: expected,
      });
    });

    it('leaves the flags out when the store says nothing: not knowing is not a no', () => {
      const order = mapped({});
      expect(order).not.toHaveProperty('acceptsMarketing');
      expect(order).not.toHaveProperty('newsletterSubscribed');
    });

    it.each<[unknown]>([['maybe'], [2], [{ value: true }]])('leaves %p out with a warning', (value) => {
      const result = map({ buyer_accepts_marketing: value });
      expect(result.order).not.toHaveProperty('acceptsMarketing');
      expect(warningCodes(result)).toEqual(['invalid_value:accepts_marketing']);
      expect(result.warnings[0].message).toContain('"buyer_accepts_marketing"');
    });
  });

  describe('output', () => {
    const full = {
      order_id: 1001,
      order_no: 'A-1001',
      order_status: 'completed',
      grand_total: '€1,234.50',
      subtotal: '1,200.00',
      tax: '24.50',
      shipping: 10,
      currency_code: 'eur',
      billing_email: 'ada@example.com',
      buyer_name: 'Ada Lovelace',
      products: [{ id: 'p1', title: 'Lamp', qty: 2, unit_price: '600.00', cost: 100 }],
      shipping_address: { street: '1 Rue de Rivoli', city: 'Paris', zip: '75001', country: 'FR' },
      billing_address: { address1: '2 Rue de Rivoli', city: 'Paris', postal_code: '75001', country: 'FR' },
      payment_method: 'card',
      created_date: 1_704_067_200_000,
      updated_at: '2024-01-02T00:00:00Z',
      customer_ip: '203.0.113.7',
      internal_note: 'VIP',
    };

    it('builds a valid NormalizedOrder from aliased fields', () => {
      const result = toNormalizedOrder(full, { mappings: {} });
      expect(result).toEqual({ order: expect.any(NormalizedOrder), warnings: [] });
      expect(result.order).toEqual({
        id: '1001',
        orderNumber: 'A-1001',
        status: 'completed',
        total: 1234.5,
        subtotal: 1200,
        tax: 24.5,
        shipping: 10,
        currency: 'EUR',
        customerEmail: 'ada@example.com',
        customerName: 'Ada Lovelace',
        items: [{ productId: 'p1', name: 'Lamp', quantity: 2, price: 600 }],
        shippingAddress: { street: '1 Rue de Rivoli', city: 'Paris', zip: '75001', country: 'FR' },
        billingAddress: { street: '2 Rue de Rivoli', city: 'Paris', zip: '75001', country: 'FR' },
        paymentMethod: 'card',
        createdAt: '2024-01-01T00:00:00.000Z',
        updatedAt: '2024-01-02T00:00:00.000Z',
      });
      expect(validateSync(result.order as object)).toEqual([]);
      // What crosses the bus is plain JSON: it must validate again after the round trip.
      const replayed = plainToInstance(NormalizedOrder, JSON.parse(JSON.stringify(result.order)) as object);
      expect(validateSync(replayed)).toEqual([]);
    });

    it('validates with only the id', () => {
      const result = toNormalizedOrder({ id: 1 }, { mappings: {} });
      expect(Object.keys(result.order ?? {}).sort()).toEqual(['id', 'items']);
      expect(validateSync(result.order as object)).toEqual([]);
    });

    it('does not copy unknown store fields', () => {
      const order = toNormalizedOrder(full, { mappings: {} }).order;
      const keys = Object.keys(order ?? {});
      for (const key of ['customer_ip', 'internal_note', 'order_id', 'products', 'grand_total']) {
        expect(keys).not.toContain(key);
      }
      expect(Object.keys(order?.items[0] ?? {})).not.toContain('cost');
    });

    it('does not modify its input', () => {
      const raw = structuredClone(full);
      toNormalizedOrder(raw, { mappings: {} });
      expect(raw).toEqual(full);
    });
  });
});
