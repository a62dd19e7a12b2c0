import { createHash } from 'node:crypto';
import type { NormalizedOrder } from '@storebridge/contracts';
import {
  splitCustomerName,
  toShopimindCustomer,
  toShopimindCustomerId,
  type CustomerMapping,
  type ShopimindCustomerContext,
} from './customer.mapper';
import type { ShopimindCustomer } from './shopimind-records';

const context: ShopimindCustomerContext = { lang: 'de', now: '2026-01-01T00:00:00.000Z' };

function order(overrides: Partial<NormalizedOrder> = {}): NormalizedOrder {
  return {
    id: 'ord_1',
    customerEmail: 'ada@example.com',
    customerName: 'Ada Lovelace',
    items: [],
    ...overrides,
  };
}

function customerOf(mapping: CustomerMapping): ShopimindCustomer {
  if (mapping.kind !== 'customer') {
    throw new Error(`expected a customer, got ${mapping.reason}`);
  }
  return mapping.customer;
}

describe('toShopimindCustomerId', () => {
  it('is the SHA-256 hex of the normalized email', () => {
    expect(toShopimindCustomerId('ada@example.com')).toBe(
      createHash('sha256').update('ada@example.com').digest('hex'),
    );
  });
});

describe('splitCustomerName', () => {
  it.each<[string | undefined, string, string]>([
    ['Ada Lovelace', 'Ada', 'Lovelace'],
    ['  Ada   King  Lovelace ', 'Ada', 'King Lovelace'],
    ['Ada', 'Ada', ''],
    ['   ', '', ''],
    ['', '', ''],
    [undefined, '', ''],
  ])('splits %p into %p / %p', (name, first, last) => {
    expect(splitCustomerName(name)).toEqual({ first_name: first, last_name: last });
  });
});

describe('toShopimindCustomer', () => {
  it('maps the customer of an order', () => {
    const mapped = toShopimindCustomer(
      order({ createdAt: '2025-05-01T10:00:00.000Z', updatedAt: '2025-05-02T10:00:00.000Z' }),
      { ...context, dataSourceId: 9 },
    );

    expect(mapped).toEqual({
      kind: 'customer',
      customer: {
        customer_id: toShopimindCustomerId('ada@example.com'),
        email: 'ada@example.com',
        first_name: 'Ada',
        last_name: 'Lovelace',
        is_opt_in: false,
        is_newsletter_subscribed: false,
        lang: 'de',
        is_active: true,
        created_at: '2025-05-01T10:00:00.000Z',
        updated_at: '2025-05-02T10:00:00.000Z',
        id_data_source: 9,
      },
    });
  });

  it('gives the same id and email to one address in any case or padding', () => {
    const lower = toShopimindCustomer(order({ customerEmail: 'ada@example.com' }), context);
    const upper = toShopimindCustomer(order({ customerEmail: ' Ada@Example.COM ' }), context);

    expect(upper).toEqual(lower);
  });

  it.each<[string, Partial<NormalizedOrder>]>([
    ['no email', { customerEmail: undefined }],
    ['a blank email', { customerEmail: '  ' }],
  ])('skips an order with %s', (_label, overrides) => {
    expect(toShopimindCustomer(order(overrides), context)).toEqual({
      kind: 'skipped',
      reason: 'missing_customer_email',
    });
  });

  it.each<[string, Partial<NormalizedOrder>, string, string]>([
    ['no dates', {}, context.now, context.now],
    [
      'a creation date only',
      { createdAt: '2025-05-01T10:00:00.000Z' },
      '2025-05-01T10:00:00.000Z',
      '2025-05-01T10:00:00.000Z',
    ],
  ])('dates a customer from an order with %s', (_label, overrides, createdAt, updatedAt) => {
    const customer = customerOf(toShopimindCustomer(order(overrides), context));

    expect([customer.created_at, customer.updated_at]).toEqual([createdAt, updatedAt]);
  });

  it('takes the name from the billing address when the order names nobody', () => {
    const customer = customerOf(
      toShopimindCustomer(
        order({
          customerName: undefined,
          billingAddress: { firstName: 'Grace', lastName: 'Hopper', city: 'Arlington' },
        }),
        context,
      ),
    );

    expect([customer.first_name, customer.last_name]).toEqual(['Grace', 'Hopper']);
  });

  it("splits the billing address's whole name when it has no first and last name", () => {
    const customer = customerOf(
      toShopimindCustomer(
        order({ customerName: undefined, billingAddress: { name: 'Grace Brewster Hopper' } }),
        context,
      ),
    );

    expect([customer.first_name, customer.last_name]).toEqual(['Grace', 'Brewster Hopper']);
  });

  it('takes the phone from the order, else from the billing address, and leaves it out when neither has one', () => {
    const phoneOf = (overrides: Partial<NormalizedOrder>) =>
      customerOf(toShopimindCustomer(order(overrides), context)).phone_number;

    expect(phoneOf({ customerPhone: '+33 1 23', billingAddress: { phone: '+33 9 87' } })).toBe('+33 1 23');
    expect(phoneOf({ billingAddress: { phone: '+33 9 87' } })).toBe('+33 9 87');
    expect(customerOf(toShopimindCustomer(order(), context))).not.toHaveProperty('phone_number');
  });

  it('sends the consent the store gives', () => {
    const customer = customerOf(
      toShopimindCustomer(order({ acceptsMarketing: true, newsletterSubscribed: true }), context),
    );

    expect([customer.is_opt_in, customer.is_newsletter_subscribed]).toEqual([true, true]);
  });

  it('sends false for a consent the store does not give: ShopiMind requires both flags', () => {
    const customer = customerOf(toShopimindCustomer(order({ acceptsMarketing: true }), context));

    expect([customer.is_opt_in, customer.is_newsletter_subscribed]).toEqual([true, false]);
  });

  it('leaves the data source out when there is none', () => {
    expect(customerOf(toShopimindCustomer(order(), context))).not.toHaveProperty('id_data_source');
  });
});
