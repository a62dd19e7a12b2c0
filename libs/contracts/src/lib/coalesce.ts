import type { OrdersChangedEvent, ProductsChangedEvent } from './events';

/**
 * Merges of the change messages of ONE store connection, so a burst of webhooks reaches ShopiMind in a few
 * batched calls instead of one call each, and a crawl's pages are written together (issue #5). The payloads come
 * straight from JSON, not validated yet: what these functions cannot read makes them throw, and the caller then
 * handles those messages one by one.
 */

interface RecordChanges<R> {
  connectionId: string;
  records: R[];
  deletedIds: string[];
}

type Change<R> = { deleted: false; record: R } | { deleted: true };

/** The products changed by `events` (stream order), as one event; a single event is returned as it is. */
export function mergeProductsChanged(events: readonly ProductsChangedEvent[]): ProductsChangedEvent {
  if (events.length === 1) {
    return events[0];
  }
  const { connectionId, records, deletedIds } = mergeRecordChanges(
    events,
    'products',
    (event) => event.products,
  );
  return { connectionId, ...mergedOrigin(events), products: records, deletedIds };
}

/** The orders changed by `events` (stream order), as one event; a single event is returned as it is. */
export function mergeOrdersChanged(events: readonly OrdersChangedEvent[]): OrdersChangedEvent {
  if (events.length === 1) {
    return events[0];
  }
  const { connectionId, records, deletedIds } = mergeRecordChanges(events, 'orders', (event) => event.orders);
  return { connectionId, ...mergedOrigin(events), orders: records, deletedIds };
}

/**
 * Pages of one crawl keep their run, and the first page for a place in the logs; anything mixed (webhooks, pages
 * of two runs) has no run and page 0, like a webhook's change.
 */
function mergedOrigin(events: ReadonlyArray<{ syncRunId: string | null; page: number }>): {
  syncRunId: string | null;
  page: number;
} {
  const [{ syncRunId, page }] = events;
  return syncRunId !== null && events.every((event) => event.syncRunId === syncRunId)
    ? { syncRunId, page }
    : { syncRunId: null, page: 0 };
}

/** How many records an event makes push write: upserts and deletes alike count against ShopiMind's limits. */
export function productsChangedRecordCount(event: ProductsChangedEvent): number {
  return arrayOf(event.products, 'products').length + arrayOf(event.deletedIds, 'deletedIds').length;
}

export function ordersChangedRecordCount(event: OrdersChangedEvent): number {
  return arrayOf(event.orders, 'orders').length + arrayOf(event.deletedIds, 'deletedIds').length;
}

/**
 * Applies the events' changes in order, keyed by record id: the latest change of a record wins, so an upsert
 * after a delete un-deletes it and a delete after an upsert drops the record. Within one event the upserts come
 * before the deletes, the order push writes them in.
 */
function mergeRecordChanges<
  E extends { connectionId: string; deletedIds: string[] },
  R extends { id: string },
>(events: readonly E[], what: string, recordsOf: (event: E) => R[]): RecordChanges<R> {
  if (events.length === 0) {
    throw new Error('Nothing to merge');
  }
  const { connectionId } = events[0];
  const changes = new Map<string, Change<R>>();
  // Delete first: a record's place in the result is that of its latest change.
  const apply = (id: string, change: Change<R>): void => {
    changes.delete(id);
    changes.set(id, change);
  };
  for (const event of events) {
    if (event.connectionId !== connectionId) {
      throw new Error('Only the changes of one connection can be merged');
    }
    for (const record of arrayOf(recordsOf(event), what)) {
      apply(idOf(record), { deleted: false, record });
    }
    for (const id of arrayOf(event.deletedIds, 'deletedIds')) {
      apply(idOf({ id }), { deleted: true });
    }
  }
  const records: R[] = [];
  const deletedIds: string[] = [];
  for (const [id, change] of changes) {
    if (change.deleted) {
      deletedIds.push(id);
    } else {
      records.push(change.record);
    }
  }
  return { connectionId, records, deletedIds };
}

function arrayOf<T>(value: T[], what: string): T[] {
  if (!Array.isArray(value)) {
    throw new Error(`Cannot merge changes whose ${what} is not a list`);
  }
  return value;
}

function idOf(record: { id: string }): string {
  if (typeof record !== 'object' || record === null || typeof record.id !== 'string') {
    throw new Error('Cannot merge a change without a string id');
  }
  return record.id;
}
