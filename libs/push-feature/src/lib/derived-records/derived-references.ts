import type { DerivedReferences } from '@storebridge/persistence';
import type { ShopimindOrder, ShopimindProduct } from '@storebridge/shopimind-mapping';

/** The categories a product points at, by ShopiMind id: what keeps them in ShopiMind. */
export function productReferences(product: ShopimindProduct): DerivedReferences {
  return { categories: (product.category_ids ?? []).map(String) };
}

/** The order status and the customer an order points at, by ShopiMind id. */
export function orderReferences(order: ShopimindOrder): DerivedReferences {
  return { order_statuses: [order.status_id], customers: [order.customer.customer_id] };
}
