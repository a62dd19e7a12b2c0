import { hash } from 'node:crypto';
import type { NormalizedOrder } from '@storebridge/contracts';
import type { ShopimindCustomer } from './shopimind-records';

/** Why an order yields nothing ShopiMind accepts. */
export type OrderSkipReason = 'missing_customer_email';

export type CustomerMapping =
  { kind: 'customer'; customer: ShopimindCustomer } | { kind: 'skipped'; reason: OrderSkipReason };

export interface ShopimindCustomerContext {
  lang: string;
  dataSourceId?: number;
  /** Used when the order gives no dates: ShopiMind requires both. */
  now: string;
}

/** Emails differ only in case and surrounding blanks for the same person; ShopiMind keys contacts on them. */
export function normalizeCustomerEmail(email: string | undefined): string | undefined {
  const normalized = email?.trim().toLowerCase();
  return normalized ? normalized : undefined;
}

/**
 * Stores send no customer id on orders, so the customer is identified by their email: the id is the SHA-256
 * hex of the normalized email. Stable across orders, pages and syncs; fixed length; and no email address in
 * ids, which end up in URLs (`DELETE /v1/customers/:id`) and logs.
 */
export function toShopimindCustomerId(normalizedEmail: string): string {
  return hash('sha256', normalizedEmail, 'hex');
}

/** "Ada Lovelace" → Ada / Lovelace; further words belong to the last name; one word is a first name. */
export function splitCustomerName(name: string | undefined): { first_name: string; last_name: string } {
  const [first = '', ...rest] = (name ?? '').trim().split(/\s+/);
  return { first_name: first, last_name: rest.join(' ') };
}

/** The order's customer name; without one, whom the billing address names. */
function customerNames(order: NormalizedOrder): { first_name: string; last_name: string } {
  const billing = order.billingAddress;
  if (order.customerName?.trim() || billing === undefined) {
    return splitCustomerName(order.customerName);
  }
  if (billing.firstName?.trim() || billing.lastName?.trim()) {
    return { first_name: billing.firstName?.trim() ?? '', last_name: billing.lastName?.trim() ?? '' };
  }
  return splitCustomerName(billing.name);
}

/**
 * The customer an order was placed by. ShopiMind requires both consent flags: what the store does not say is sent
 * as false, which means "not known", not "refused".
 */
export function toShopimindCustomer(
  order: NormalizedOrder,
  context: ShopimindCustomerContext,
): CustomerMapping {
  const email = normalizeCustomerEmail(order.customerEmail);
  if (email === undefined) {
    return { kind: 'skipped', reason: 'missing_customer_email' };
  }
  const phone = order.customerPhone?.trim() || order.billingAddress?.phone?.trim();
  return {
    kind: 'customer',
    customer: {
      customer_id: toShopimindCustomerId(email),
      email,
      ...(phone ? { phone_number: phone } : {}),
      ...customerNames(order),
      is_opt_in: order.acceptsMarketing ?? false,
      is_newsletter_subscribed: order.newsletterSubscribed ?? false,
      lang: context.lang,
      is_active: true,
      created_at: order.createdAt ?? context.now,
      updated_at: order.updatedAt ?? order.createdAt ?? context.now,
      ...(context.dataSourceId === undefined ? {} : { id_data_source: context.dataSourceId }),
    },
  };
}
