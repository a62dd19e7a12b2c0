import type { NormalizedOrder, NormalizedOrderItem } from '@storebridge/contracts';
import { toCustomerAddressDrafts } from './address.mapper';
import { normalizeCustomerEmail, toShopimindCustomerId, type OrderSkipReason } from './customer.mapper';
import { isConfirmedOrderStatus, toShopimindOrderStatusId } from './order-status.mapper';
import type { ShopimindOrder, ShopimindOrderProduct } from './shopimind-records';

export interface ShopimindOrderContext {
  lang: string;
  /** The connection's currency, for orders that name none. */
  currency: string;
  /**
   * Numeric ShopiMind product id per store product id (the SDK types product ids as numbers), for the products
   * ShopiMind has or is being sent: a line naming any other product is left out.
   */
  productIds: ReadonlyMap<string, number>;
  dataSourceId?: number;
  /** Used when the order gives no dates: ShopiMind requires them. */
  now: string;
  /** ShopiMind number per address key (`toCustomerAddressDrafts`), for the addresses being sent. */
  addressIds?: ReadonlyMap<string, number>;
}

export type OrderMapping =
  | {
      kind: 'order';
      order: ShopimindOrder;
      /** Lines not sent: no product id, no numeric id for it, or no units. */
      leftOutLines: number;
      /** The store product ids of the lines left out for naming a product without a numeric id, in line order. */
      unknownProductIds: string[];
    }
  | { kind: 'skipped'; reason: OrderSkipReason };

/** Drops binary floating-point noise (0.1 + 0.2) without rounding away any currency's minor units. */
function money(amount: number): number {
  return Math.round(amount * 1e6) / 1e6;
}

function lineTotal(items: readonly NormalizedOrderItem[]): number {
  return items.reduce((sum, item) => sum + (item.price ?? 0) * item.quantity, 0);
}

/** The store's total; without one, subtotal (or the lines) plus tax and shipping. */
function amountOf(order: NormalizedOrder): number {
  if (order.total !== undefined) {
    return money(order.total);
  }
  return money((order.subtotal ?? lineTotal(order.items)) + (order.tax ?? 0) + (order.shipping ?? 0));
}

/**
 * The order's tax: the store's, else what its total holds beyond subtotal and shipping (the generic API's example
 * order adds up as total = subtotal + tax + shipping). Unknown when neither says: a total at or below subtotal
 * plus shipping may hold a discount as well as a tax.
 */
function taxOf(order: NormalizedOrder): number | undefined {
  if (order.tax !== undefined) {
    return order.tax;
  }
  if (order.total === undefined || order.subtotal === undefined) {
    return undefined;
  }
  const rest = money(order.total - order.subtotal - (order.shipping ?? 0));
  return rest > 0 ? rest : undefined;
}

const minorUnitsByCurrency = new Map<string, number>();

/** Digits after the decimal point of a currency (JPY 0, EUR 2, KWD 3); 2 for a code Intl does not know. */
function minorUnits(currency: string): number {
  let digits = minorUnitsByCurrency.get(currency);
  if (digits === undefined) {
    digits = intlMinorUnits(currency);
    minorUnitsByCurrency.set(currency, digits);
  }
  return digits;
}

function intlMinorUnits(currency: string): number {
  try {
    const format = new Intl.NumberFormat('en', { style: 'currency', currency });
    return format.resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** What a line's price paid comes to without tax. */
type WithoutTax = (paid: number) => number;

interface TaxSplit {
  line: WithoutTax;
  shippingWithoutTax: number;
}

/**
 * Stores give one tax figure per order. With a subtotal (the goods without tax: total = subtotal + tax + shipping
 * in the generic API's example), the lines come to the subtotal without tax, and shipping without tax is what the
 * amount without tax holds beyond it. Without one, the tax is spread over the lines and the shipping in proportion.
 * Rounded to the currency's minor units; without a known tax, nothing changes.
 */
function taxSplitOf(
  order: NormalizedOrder,
  amount: number,
  amountWithoutTax: number,
  currency: string,
): TaxSplit {
  const shipping = order.shipping ?? 0;
  if (amount <= 0 || amountWithoutTax >= amount) {
    return { line: (paid) => paid, shippingWithoutTax: shipping };
  }
  const scale = 10 ** minorUnits(currency);
  const scaled = (paid: number, ratio: number) => Math.round(paid * ratio * scale) / scale;
  const lines = lineTotal(order.items);
  if (order.subtotal !== undefined && lines > 0) {
    // A subtotal at or above the lines says their prices are without tax already.
    const lineRatio = Math.min(1, order.subtotal / lines);
    const shippingWithoutTax = Math.min(shipping, Math.max(0, money(amountWithoutTax - order.subtotal)));
    return { line: (paid) => scaled(paid, lineRatio), shippingWithoutTax: scaled(shippingWithoutTax, 1) };
  }
  const ratio = amountWithoutTax / amount;
  return { line: (paid) => scaled(paid, ratio), shippingWithoutTax: scaled(shipping, ratio) };
}

function toOrderProduct(
  item: NormalizedOrderItem,
  productIds: ReadonlyMap<string, number>,
  withoutTax: WithoutTax,
): ShopimindOrderProduct | undefined {
  const productId = item.productId === undefined ? undefined : productIds.get(item.productId);
  // ShopiMind counts units per line: a line without any is no purchase.
  if (productId === undefined || item.quantity < 1) {
    return undefined;
  }
  const price = item.price ?? 0;
  return { product_id: productId, price, price_without_tax: withoutTax(price), quantity: item.quantity };
}

/** The order's billing and shipping addresses as ShopiMind numbers them, when they are being sent. */
function addressReferences(
  order: NormalizedOrder,
  addressIds: ReadonlyMap<string, number> | undefined,
): Pick<ShopimindOrder, 'address_invoice_id' | 'address_delivery_id'> {
  if (addressIds === undefined || addressIds.size === 0) {
    return {};
  }
  const { billing, shipping } = toCustomerAddressDrafts(order, {});
  const invoice = billing && addressIds.get(billing.key);
  const delivery = shipping && addressIds.get(shipping.key);
  return {
    ...(invoice === undefined ? {} : { address_invoice_id: String(invoice) }),
    ...(delivery === undefined ? {} : { address_delivery_id: String(delivery) }),
  };
}

/**
 * A normalized order as ShopiMind's order record; `order_id` and `cart_id` are the store's order id. ShopiMind's
 * order has no field for the payment method: it is not sent.
 */
export function toShopimindOrder(order: NormalizedOrder, context: ShopimindOrderContext): OrderMapping {
  // ShopiMind requires the customer's email on every order.
  const email = normalizeCustomerEmail(order.customerEmail);
  if (email === undefined) {
    return { kind: 'skipped', reason: 'missing_customer_email' };
  }
  const amount = amountOf(order);
  const tax = taxOf(order);
  const amountWithoutTax = tax === undefined ? amount : money(Math.max(0, amount - tax));
  const currency = order.currency ?? context.currency;
  const taxSplit = taxSplitOf(order, amount, amountWithoutTax, currency);
  const products = order.items.flatMap(
    (item) => toOrderProduct(item, context.productIds, taxSplit.line) ?? [],
  );
  const unknownProductIds = order.items.flatMap((item) =>
    item.productId !== undefined && !context.productIds.has(item.productId) ? [item.productId] : [],
  );
  const shipping = order.shipping ?? 0;
  const createdAt = order.createdAt ?? context.now;
  const updatedAt = order.updatedAt ?? order.createdAt ?? context.now;
  const statusId = toShopimindOrderStatusId(order.status);
  return {
    kind: 'order',
    leftOutLines: order.items.length - products.length,
    unknownProductIds,
    order: {
      order_id: order.id,
      lang: context.lang,
      reference: order.orderNumber ?? null,
      status_id: statusId,
      ...addressReferences(order, context.addressIds),
      customer: { customer_id: toShopimindCustomerId(email), email, created_at: createdAt },
      products,
      cart_id: order.id,
      cart_updated_at: updatedAt,
      amount,
      amount_without_tax: amountWithoutTax,
      shipping_costs: shipping,
      shipping_costs_without_tax: taxSplit.shippingWithoutTax,
      currency,
      is_confirmed: isConfirmedOrderStatus(statusId),
      created_at: createdAt,
      updated_at: updatedAt,
      ...(context.dataSourceId === undefined ? {} : { id_data_source: context.dataSourceId }),
    },
  };
}
