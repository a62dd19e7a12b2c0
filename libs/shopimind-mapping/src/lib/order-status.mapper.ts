import type { ShopimindOrderStatus } from './shopimind-records';

/** The status id of orders whose store gives no status: ShopiMind requires one on every order. */
export const UNKNOWN_ORDER_STATUS_ID = 'unknown';
const UNKNOWN_ORDER_STATUS_NAME = 'Unknown';

/**
 * Statuses that mean the customer bought (paid or further along). Everything else, including statuses we do
 * not know, is unconfirmed: counting a sale that did not happen is worse than missing one.
 */
const CONFIRMED_STATUS_IDS: ReadonlySet<string> = new Set([
  'paid',
  'partially_paid',
  'processing',
  'complete',
  'completed',
  'shipped',
  'partially_shipped',
  'delivered',
  'fulfilled',
  'partially_fulfilled',
  'partially_refunded',
]);

/**
 * A stable slug of the store's status, so one status gets one id whatever its casing or separators:
 * "On Hold", "on-hold" and "ON_HOLD" are all `on_hold`. Accents are dropped, other characters become `_`.
 */
export function toShopimindOrderStatusId(status: string | undefined): string {
  const slug = (status ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return slug === '' ? UNKNOWN_ORDER_STATUS_ID : slug;
}

export function isConfirmedOrderStatus(statusId: string): boolean {
  return CONFIRMED_STATUS_IDS.has(statusId);
}

export interface ShopimindOrderStatusContext {
  lang: string;
  dataSourceId?: number;
  now: string;
}

/** The reference row orders point at with `status_id`; its name is the store's own wording. */
export function toShopimindOrderStatus(
  status: string | undefined,
  context: ShopimindOrderStatusContext,
): ShopimindOrderStatus {
  const statusId = toShopimindOrderStatusId(status);
  return {
    status_id: statusId,
    lang: context.lang,
    name: statusId === UNKNOWN_ORDER_STATUS_ID ? UNKNOWN_ORDER_STATUS_NAME : (status ?? '').trim(),
    is_deleted: false,
    created_at: context.now,
    updated_at: context.now,
    ...(context.dataSourceId === undefined ? {} : { id_data_source: context.dataSourceId }),
  };
}
