import { hash } from 'node:crypto';
import type { NormalizedAddress, NormalizedOrder } from '@storebridge/contracts';
import { normalizeCustomerEmail, splitCustomerName, toShopimindCustomerId } from './customer.mapper';
import type { ShopimindCustomerAddress } from './shopimind-records';

export interface ShopimindAddressContext {
  dataSourceId?: number;
}

/**
 * An address of an order before it has its ShopiMind number. `key` names the place for one customer: the same
 * person at the same street, city and country on many orders, billing or shipping, is one key, hence one address.
 */
export interface CustomerAddressDraft {
  key: string;
  record: Omit<ShopimindCustomerAddress, 'address_id'>;
}

export interface OrderAddressDrafts {
  billing?: CustomerAddressDraft;
  shipping?: CustomerAddressDraft;
}

/** Text that only differs in case and spacing is the same text. */
function comparable(text: string | undefined): string {
  return (text ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
}

function present(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

/** Who the address is for: its own names, else its whole name split, else the customer's name. */
function recipient(
  address: NormalizedAddress,
  order: NormalizedOrder,
): { first_name: string; last_name: string } {
  const first = present(address.firstName);
  const last = present(address.lastName);
  if (first !== undefined || last !== undefined) {
    return { first_name: first ?? '', last_name: last ?? '' };
  }
  return splitCustomerName(present(address.name) ?? order.customerName);
}

function toDraft(
  address: NormalizedAddress | undefined,
  order: NormalizedOrder,
  customerId: string,
  context: ShopimindAddressContext,
): CustomerAddressDraft | undefined {
  if (address === undefined) {
    return undefined;
  }
  const street = present(address.street);
  const street2 = present(address.street2);
  const zip = present(address.zip);
  const city = present(address.city);
  const country = present(address.country);
  // A name and a phone alone are no place to send anything to.
  if ([street, street2, zip, city, country].every((part) => part === undefined)) {
    return undefined;
  }
  const names = recipient(address, order);
  const phone = present(address.phone);
  const company = present(address.company);
  // ShopiMind requires these fields; an address missing one still places the customer (city, country).
  const record: CustomerAddressDraft['record'] = {
    customer_id: customerId,
    ...names,
    ...(phone === undefined ? {} : { primary_phone: phone }),
    ...(company === undefined ? {} : { company }),
    address_line_1: street ?? '',
    ...(street2 === undefined ? {} : { address_line_2: street2 }),
    postal_code: zip ?? '',
    city: city ?? '',
    country: country ?? '',
    is_active: true,
    ...(context.dataSourceId === undefined ? {} : { id_data_source: context.dataSourceId }),
  };
  // Phone and company change without the place changing: the latest order's win, under the same key.
  const identity = [
    customerId,
    names.first_name,
    names.last_name,
    street,
    street2,
    zip,
    city,
    address.state,
    country,
  ].map(comparable);
  return { key: hash('sha256', JSON.stringify(identity), 'hex'), record };
}

/**
 * The billing and shipping addresses of an order, for its customer (none without a customer email: ShopiMind
 * keeps addresses under a customer). ShopiMind has no field for the state or province: it is left out.
 */
export function toCustomerAddressDrafts(
  order: NormalizedOrder,
  context: ShopimindAddressContext,
): OrderAddressDrafts {
  const email = normalizeCustomerEmail(order.customerEmail);
  if (email === undefined) {
    return {};
  }
  const customerId = toShopimindCustomerId(email);
  const billing = toDraft(order.billingAddress, order, customerId, context);
  const shipping = toDraft(order.shippingAddress, order, customerId, context);
  return {
    ...(billing === undefined ? {} : { billing }),
    ...(shipping === undefined ? {} : { shipping }),
  };
}

/** A draft under its ShopiMind number (stable per key, see the push's id mappings). */
export function toShopimindCustomerAddress(
  draft: CustomerAddressDraft,
  addressId: number,
): ShopimindCustomerAddress {
  return { ...draft.record, address_id: addressId };
}
