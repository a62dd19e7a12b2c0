import { Inject, Injectable, Logger } from '@nestjs/common';
import type { NormalizedOrder, OrdersChangedEvent } from '@storebridge/contracts';
import { StoreProductReader } from '@storebridge/persistence';
import { IdMappingRepository } from '@storebridge/push-persistence';
import {
  toShopimindCustomer,
  toShopimindOrder,
  toShopimindOrderStatus,
  type ShopimindCustomer,
  type ShopimindCustomerContext,
  type ShopimindOrder,
  type ShopimindOrderStatus,
  type ShopimindOrderStatusContext,
} from '@storebridge/shopimind-mapping';
import {
  chunks,
  PRODUCT_ENTITY,
  PushTargetService,
  writeBatches,
  RECORD_BATCH_SIZE,
  REFERENCE_BATCH_SIZE,
  type PushMessage,
} from '../push-target/push-target.service';

/** ShopiMind's per-call item limits (spec §9): orders and customers are records, statuses reference data. */
export const ORDER_BATCH_SIZE = RECORD_BATCH_SIZE;
export const CUSTOMER_BATCH_SIZE = RECORD_BATCH_SIZE;
export const ORDER_STATUS_BATCH_SIZE = REFERENCE_BATCH_SIZE;
/** How many ids of skipped orders (or of lines naming unknown products) a log line names. */
const LOGGED_IDS = 10;

/** The first few of `ids`, and how many more there are. */
function named(ids: readonly string[]): string {
  const more = ids.length > LOGGED_IDS ? `, and ${ids.length - LOGGED_IDS} more` : '';
  return `${ids.slice(0, LOGGED_IDS).join(', ')}${more}`;
}

/** When the store last touched an order; undated orders count as oldest. */
function recency(order: NormalizedOrder): number {
  const stamp = order.updatedAt ?? order.createdAt;
  return stamp === undefined ? Number.NEGATIVE_INFINITY : Date.parse(stamp);
}

/** One row per status id; the first wording seen names it. */
function distinctStatuses(
  orders: readonly NormalizedOrder[],
  context: ShopimindOrderStatusContext,
): ShopimindOrderStatus[] {
  const statuses = new Map<string, ShopimindOrderStatus>();
  for (const order of orders) {
    const status = toShopimindOrderStatus(order.status, context);
    if (!statuses.has(status.status_id)) {
      statuses.set(status.status_id, status);
    }
  }
  return [...statuses.values()];
}

/** One record per customer, from their latest order (latest name); on a tie the later one in the page wins. */
function latestCustomers(
  orders: readonly NormalizedOrder[],
  context: ShopimindCustomerContext,
): ShopimindCustomer[] {
  const customers = new Map<string, { customer: ShopimindCustomer; recency: number }>();
  for (const order of orders) {
    const mapping = toShopimindCustomer(order, context);
    if (mapping.kind === 'skipped') {
      continue;
    }
    const known = customers.get(mapping.customer.customer_id);
    if (!known || recency(order) >= known.recency) {
      customers.set(mapping.customer.customer_id, { customer: mapping.customer, recency: recency(order) });
    }
  }
  return [...customers.values()].map((entry) => entry.customer);
}

/**
 * Writes changed orders to ShopiMind with what they point at, referenced things first: order statuses, then the
 * customers (derived from the orders), then the orders, then the deletes. Only while the installation is active.
 */
@Injectable()
export class OrderPushService {
  private readonly logger = new Logger(OrderPushService.name);

  constructor(
    private readonly pushTargets: PushTargetService,
    private readonly idMappings: IdMappingRepository,
    @Inject(StoreProductReader)
    private readonly storeProducts: Pick<StoreProductReader, 'findHeldIds'>,
  ) {}

  async pushOrders(event: OrdersChangedEvent): Promise<void> {
    const opened = await this.pushTargets.open(event, 'orders');
    if (!opened) {
      return;
    }
    const { connection, installation, target } = opened;
    const lineProductIds = [
      ...new Set(event.orders.flatMap((order) => order.items.flatMap((item) => item.productId ?? []))),
    ];
    // A line may only name a product push writes. Sync's mirror holds exactly the valid products it publishes
    // (a crawl writes a page there before publishing it), so a product whose push is still in flight counts; the
    // push ledger would only know it once ShopiMind accepted it, dropping the line of an order pushed meanwhile.
    const held = await this.storeProducts.findHeldIds(connection.id, lineProductIds);
    // The same entity type as products: a line points at the product's own record.
    const productIds = await this.idMappings.numericIdsFor(
      installation.id,
      PRODUCT_ENTITY,
      lineProductIds.filter((productId) => held.has(productId)),
    );
    // One timestamp for the whole message, so undated records of one page agree.
    const context = {
      lang: connection.lang,
      currency: connection.currency,
      productIds,
      dataSourceId: target.dataSourceId,
      now: new Date().toISOString(),
    };

    const sent: NormalizedOrder[] = [];
    const orders: ShopimindOrder[] = [];
    const skipped: Array<{ record: NormalizedOrder; reason: string }> = [];
    let leftOutLines = 0;
    const unknownProducts: string[] = [];
    for (const order of event.orders) {
      const mapping = toShopimindOrder(order, context);
      if (mapping.kind === 'skipped') {
        skipped.push({ record: order, reason: mapping.reason });
        continue;
      }
      sent.push(order);
      orders.push(mapping.order);
      leftOutLines += mapping.leftOutLines - mapping.unknownProductIds.length;
      unknownProducts.push(...mapping.unknownProductIds.map((productId) => `${order.id} (${productId})`));
    }
    this.logLeftOut(
      event,
      skipped.map(({ record }) => record.id),
      unknownProducts,
      leftOutLines,
    );
    // Never sent, yet never silently dropped: dead letters until the store's data is fixed.
    await this.pushTargets.rejectUnsent('orders', event, skipped);

    const statuses = distinctStatuses(sent, context);
    const customers = latestCustomers(sent, context);

    await this.pushTargets.writeReferenceRows(
      target,
      'order statuses',
      statuses,
      (status) => status.status_id,
      (batch) => target.writer.saveOrderStatuses(batch),
      event,
    );
    await writeBatches(chunks(customers, CUSTOMER_BATCH_SIZE), async (batch) =>
      this.pushTargets.settle(await target.writer.saveCustomers(batch), 'customers', event),
    );
    await this.pushTargets.writeRecords('orders', event, sent, orders, (batch) =>
      target.writer.saveOrders(batch),
    );
    await writeBatches(chunks(event.deletedIds, ORDER_BATCH_SIZE), async (batch) =>
      this.pushTargets.settleDelete(await target.writer.deleteOrders(batch), 'orders', event, batch),
    );
  }

  /** Not sent, so said once per message with counts (the skipped orders are dead letters too). */
  private logLeftOut(
    message: PushMessage,
    skipped: readonly string[],
    unknownProducts: readonly string[],
    leftOutLines: number,
  ): void {
    const origin = `run ${message.syncRunId} page ${message.page}`;
    if (skipped.length > 0) {
      this.logger.warn(
        `Skipped ${skipped.length} orders without a customer email of ${origin}: ${named(skipped)}`,
      );
    }
    if (unknownProducts.length > 0) {
      this.logger.warn(
        `Left out ${unknownProducts.length} order lines naming products ShopiMind does not have of ${origin}: ${named(unknownProducts)}`,
      );
    }
    if (leftOutLines > 0) {
      this.logger.warn(`Left out ${leftOutLines} order lines without a product id or units of ${origin}`);
    }
  }
}
