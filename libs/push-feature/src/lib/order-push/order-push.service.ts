import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { NormalizedOrder, OrdersChangedEvent } from '@storebridge/contracts';
import { StoreProductReader } from '@storebridge/persistence';
import { IdMappingRepository } from '@storebridge/push-persistence';
import {
  toCustomerAddressDrafts,
  toShopimindCustomerAddress,
  type CustomerAddressDraft,
  type ShopimindAddressContext,
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
  FIRST_DELIVERY,
  PRODUCT_ENTITY,
  PushTargetService,
  writeBatches,
  RECORD_BATCH_SIZE,
  REFERENCE_BATCH_SIZE,
  type PushDelivery,
  type PushMessage,
} from '../push-target/push-target.service';
import { idsToDelete, retryDueDerived } from '../deletes/record-deletes';
import { orderReferences } from '../derived-records/derived-references';
import { ShopimindLanguageService } from '../shopimind-language/shopimind-language.service';

/** ShopiMind's per-call item limits (spec §9): orders and customers are records, statuses reference data. */
export const ORDER_BATCH_SIZE = RECORD_BATCH_SIZE;
export const CUSTOMER_BATCH_SIZE = RECORD_BATCH_SIZE;
export const ORDER_STATUS_BATCH_SIZE = REFERENCE_BATCH_SIZE;
/** `SpmCustomersAddresses.CHUNK_SIZE`, like every record. */
export const CUSTOMER_ADDRESS_BATCH_SIZE = RECORD_BATCH_SIZE;
/** Id-mapping entity type of customer addresses; their store id is the address key (`toCustomerAddressDrafts`). */
export const CUSTOMER_ADDRESS_ENTITY = 'customer_address';
/**
 * Order lines ShopiMind cannot take (its order lines require a product id, a number of its own): counted in the run
 * summary under these names.
 */
const UNKNOWN_PRODUCT_LINES = 'order lines naming products ShopiMind does not have';
const UNNAMED_LINES = 'order lines without a product id or units';
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
 * The addresses of the orders, one per key (a place of a customer), from its latest order (latest phone and
 * company); on a tie the later one in the page wins.
 */
function latestAddresses(
  orders: readonly NormalizedOrder[],
  context: ShopimindAddressContext,
): Map<string, CustomerAddressDraft> {
  const addresses = new Map<string, { draft: CustomerAddressDraft; recency: number }>();
  for (const order of orders) {
    const { billing, shipping } = toCustomerAddressDrafts(order, context);
    // One place for both: the billing address's phone and company, else the shipping one's.
    const same = billing && shipping && billing.key === shipping.key;
    const drafts = same
      ? [{ key: billing.key, record: { ...shipping.record, ...billing.record } }]
      : [billing, shipping];
    for (const draft of drafts) {
      const known = draft && addresses.get(draft.key);
      if (draft && (!known || recency(order) >= known.recency)) {
        addresses.set(draft.key, { draft, recency: recency(order) });
      }
    }
  }
  return new Map([...addresses].map(([key, entry]) => [key, entry.draft]));
}

/**
 * Writes changed orders to ShopiMind with what they point at, referenced things first: order statuses, then the
 * customers (derived from the orders), then their addresses, then the orders, then the deletes. Only while the
 * installation is active.
 */
@Injectable()
export class OrderPushService {
  private readonly logger = new Logger(OrderPushService.name);

  constructor(
    private readonly pushTargets: PushTargetService,
    private readonly idMappings: IdMappingRepository,
    @Inject(StoreProductReader)
    private readonly storeProducts: Pick<StoreProductReader, 'findHeldIds'>,
    // Absent in tests that never change the connection's language.
    @Optional() private readonly languages?: ShopimindLanguageService,
  ) {}

  async pushOrders(event: OrdersChangedEvent, delivery: PushDelivery = FIRST_DELIVERY): Promise<void> {
    const opened = await this.pushTargets.open(event, 'orders', delivery);
    if (!opened) {
      return;
    }
    // Order statuses carry the language: none is written before the old language's are gone.
    await this.languages?.replaceOldLanguage(opened, event);
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
    const addresses = latestAddresses(event.orders, { dataSourceId: target.dataSourceId });
    // An address keeps its number for good: the same place of a customer, on any order, is one ShopiMind address.
    const addressIds =
      addresses.size === 0
        ? new Map<string, number>()
        : await this.idMappings.numericIdsFor(installation.id, CUSTOMER_ADDRESS_ENTITY, [
            ...addresses.keys(),
          ]);
    // One timestamp for the whole message, so undated records of one page agree.
    const context = {
      lang: connection.lang,
      currency: connection.currency,
      productIds,
      addressIds,
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
    // Deletes ShopiMind refused before are tried again with this message's own.
    const due = await this.pushTargets.dueDeletes(event, ['orders', 'order_statuses', 'customers']);

    await this.pushTargets.writeReferenceRows(
      target,
      'order statuses',
      statuses,
      (status) => status.status_id,
      (batch) => target.writer.saveOrderStatuses(batch),
      event,
      'order_statuses',
    );
    await this.pushTargets.writeDerivedRecords(
      'customers',
      event,
      customers,
      (customer) => customer.customer_id,
      (batch) => target.writer.saveCustomers(batch),
    );
    // After the customers: ShopiMind keeps an address under its customer.
    const addressRows = [...addresses].flatMap(([key, draft]) => {
      const addressId = addressIds.get(key);
      return addressId === undefined ? [] : [toShopimindCustomerAddress(draft, addressId)];
    });
    await writeBatches(chunks(addressRows, CUSTOMER_ADDRESS_BATCH_SIZE), async (batch) =>
      this.pushTargets.settle(await target.writer.saveCustomerAddresses(batch), 'customer addresses', event),
    );
    await this.pushTargets.writeRecords(
      'orders',
      event,
      sent,
      orders,
      (batch) => target.writer.saveOrders(batch),
      orderReferences,
    );
    const deletedIds = idsToDelete(
      event.deletedIds,
      due,
      'orders',
      event.orders.map((order) => order.id),
    );
    if (deletedIds.length > 0) {
      const answers = await target.writer.deleteOrders(deletedIds);
      await this.pushTargets.settleDeletes('orders', event, answers, String);
    }
    const statusIds = statuses.map((status) => status.status_id);
    await retryDueDerived(this.pushTargets, target, event, due, 'order_statuses', statusIds);
    const customerIds = customers.map((customer) => customer.customer_id);
    await retryDueDerived(this.pushTargets, target, event, due, 'customers', customerIds);
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
    this.pushTargets.countLeftOut(message, UNKNOWN_PRODUCT_LINES, unknownProducts.length);
    this.pushTargets.countLeftOut(message, UNNAMED_LINES, leftOutLines);
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
