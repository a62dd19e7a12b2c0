import fc from 'fast-check';
import type { NormalizedAddress, NormalizedOrder } from '@storebridge/contracts';
import {
  toCustomerAddressDrafts,
  toShopimindCustomerAddress,
  type CustomerAddressDraft,
} from './address.mapper';
import { toShopimindCustomerId } from './customer.mapper';

const adaId = toShopimindCustomerId('ada@example.com');

const home: NormalizedAddress = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  company: 'Analytical Engines Ltd',
  phone: '+44 20 7946 0000',
  street: '12 St James Sq',
  street2: 'Flat 3',
  city: 'London',
  state: 'Greater London',
  zip: 'SW1Y 4JH',
  country: 'GB',
};

function order(overrides: Partial<NormalizedOrder> = {}): NormalizedOrder {
  return {
    id: 'ord_1',
    customerEmail: 'Ada@Example.com',
    customerName: 'Augusta Ada King',
    items: [],
    billingAddress: home,
    ...overrides,
  };
}

function draftOf(draft: CustomerAddressDraft | undefined): CustomerAddressDraft {
  if (draft === undefined) {
    throw new Error('expected an address');
  }
  return draft;
}

describe('toCustomerAddressDrafts', () => {
  it("maps an order's address field by field, for the customer of the order", () => {
    const { billing } = toCustomerAddressDrafts(order(), { dataSourceId: 4 });

    expect(draftOf(billing).record).toEqual({
      customer_id: adaId,
      first_name: 'Ada',
      last_name: 'Lovelace',
      primary_phone: '+44 20 7946 0000',
      company: 'Analytical Engines Ltd',
      address_line_1: '12 St James Sq',
      address_line_2: 'Flat 3',
      postal_code: 'SW1Y 4JH',
      city: 'London',
      country: 'GB',
      is_active: true,
      id_data_source: 4,
    });
  });

  // Keys are mapped to the numbers ShopiMind holds the addresses under: a change would duplicate every address.
  it('gives the keys it gave from the start', () => {
    expect(draftOf(toCustomerAddressDrafts(order(), {}).billing).key).toBe(
      '9fed4e73a5b0b7e0c64b473fdbf85e8f7fd6d1fcafd36efbb2cf1a1f241b3127',
    );
  });

  it('gives billing and shipping addresses that are the same place one key', () => {
    const { billing, shipping } = toCustomerAddressDrafts(
      order({ shippingAddress: { ...home, street: ' 12  st james SQ ', phone: '555-0100' } }),
      {},
    );

    expect(draftOf(shipping).key).toBe(draftOf(billing).key);
  });

  it('gives the same address of two customers two keys', () => {
    const ada = toCustomerAddressDrafts(order(), {}).billing;
    const grace = toCustomerAddressDrafts(order({ customerEmail: 'grace@example.com' }), {}).billing;

    expect(draftOf(ada).key).not.toBe(draftOf(grace).key);
  });

  it('names the address after its whole name, else after the customer', () => {
    const { billing, shipping } = toCustomerAddressDrafts(
      order({
        billingAddress: { street: '1 Main St', city: 'Springfield', name: 'Grace Brewster Hopper' },
        shippingAddress: { street: '1 Main St', city: 'Springfield' },
      }),
      {},
    );

    expect(draftOf(billing).record).toMatchObject({ first_name: 'Grace', last_name: 'Brewster Hopper' });
    expect(draftOf(shipping).record).toMatchObject({ first_name: 'Augusta', last_name: 'Ada King' });
    expect(draftOf(shipping).key).not.toBe(draftOf(billing).key);
  });

  it('fills the fields ShopiMind requires with empty text and leaves the optional ones out', () => {
    const { shipping } = toCustomerAddressDrafts(
      order({ customerName: undefined, shippingAddress: { city: 'Paris' } }),
      {},
    );

    expect(draftOf(shipping).record).toEqual({
      customer_id: adaId,
      first_name: '',
      last_name: '',
      address_line_1: '',
      postal_code: '',
      city: 'Paris',
      country: '',
      is_active: true,
    });
  });

  it.each<[string, Partial<NormalizedOrder>]>([
    ['no customer email (no customer to hold it)', { customerEmail: undefined }],
    ['no address', { billingAddress: undefined }],
    ['an address without a postal field', { billingAddress: { firstName: 'Ada', phone: '+44' } }],
  ])('gives nothing for an order with %s', (_label, overrides) => {
    expect(toCustomerAddressDrafts(order(overrides), {})).toEqual({});
  });

  it('keys an address on who and where, never on its phone or company, whatever the case or spacing', () => {
    const text = fc.string({ maxLength: 12 });
    fc.assert(
      fc.property(
        fc.record({ street: text, city: text, zip: text, country: text, firstName: text }),
        text,
        text,
        (address, phone, company) => {
          const plain = toCustomerAddressDrafts(order({ billingAddress: address }), {}).billing;
          const noisy = toCustomerAddressDrafts(
            order({
              billingAddress: {
                ...address,
                street: ` ${address.street.toLowerCase()}  `,
                city: address.city.toLowerCase(),
                phone,
                company,
              },
            }),
            {},
          ).billing;
          expect(noisy?.key).toBe(plain?.key);
        },
      ),
    );
  });
});

describe('toShopimindCustomerAddress', () => {
  it('gives a draft its number', () => {
    const draft = draftOf(toCustomerAddressDrafts(order(), {}).billing);

    expect(toShopimindCustomerAddress(draft, 4_294_967_301)).toEqual({
      ...draft.record,
      address_id: 4_294_967_301,
    });
  });
});
