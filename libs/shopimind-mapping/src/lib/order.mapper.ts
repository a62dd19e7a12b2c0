import type { NormalizedOrder, NormalizedOrderItem } from '@storebridge/contracts';
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

function toOrderProduct(
  item: NormalizedOrderItem,
  productIds: ReadonlyMap<string, number>,
): ShopimindOrderProduct | undefined {
  const productId = item.productId === undefined ? undefined : productIds.get(item.productId);
  // ShopiMind counts units per line: a line without any is no purchase.
  if (productId === undefined || item.quantity < 1) {
    return undefined;
  }
  // Stores give one unit price; whether it includes tax is unknown, so both fields carry it.
  const price = item.price ?? 0;
  return { product_id: productId, price, price_without_tax: price, quantity: item.quantity };
}

/** A normalized order as ShopiMind's order record; `order_id` and `cart_id` are the store's order id. */
export function toShopimindOrder(order: NormalizedOrder, context: ShopimindOrderContext): OrderMapping {
  // ShopiMind requires the customer's email on every order.
  const email = normalizeCustomerEmail(order.customerEmail);
  if (email === undefined) {
    return { kind: 'skipped', reason: 'missing_customer_email' };
  }
  const products = order.items.flatMap((item) => toOrderProduct(item, context.productIds) ?? []);
  const unknownProductIds = order.items.flatMap((item) =>
    item.productId !== undefined && !context.productIds.has(item.productId) ? [item.productId] : [],
  );
  const amount = amountOf(order);
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
      customer: { customer_id: toShopimindCustomerId(email), email, created_at: createdAt },
      products,
      cart_id: order.id,
      cart_updated_at: updatedAt,
      amount,
      amount_without_tax: order.tax === undefined ? amount : money(Math.max(0, amount - order.tax)),
      shipping_costs: shipping,
      shipping_costs_without_tax: shipping,
      currency: order.currency ?? context.currency,
      is_confirmed: isConfirmedOrderStatus(statusId),
      created_at: createdAt,
      updated_at: updatedAt,
      ...(context.dataSourceId === undefined ? {} : { id_data_source: context.dataSourceId }),
    },
  };
}
