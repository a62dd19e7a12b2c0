import type {
  StoreOrderEventName,
  StoreOrderEventReceivedEvent,
  StoreProductEventName,
  StoreProductEventReceivedEvent,
} from './events';

/**
 * Merges of the store webhooks of ONE connection waiting for sync, so a burst is applied to the mirror and handed
 * to push in one run instead of one run each. Only concatenated, in stream order: which record a webhook is about
 * depends on the connection's field mappings, so sync merges the changes of each record itself. The payloads come
 * straight from JSON, not validated yet: what these functions cannot read makes them throw, and the caller then
 * handles those messages one by one.
 */

interface StoreWebhook<Name extends string> {
  event: Name;
  data: Record<string, unknown>;
  receivedAt: string;
}

interface StoreEventMessage<Name extends string> extends StoreWebhook<Name> {
  connectionId: string;
  later?: Array<StoreWebhook<Name>>;
}

/** The product webhooks of `events` (stream order) as one event; a single event is returned as it is. */
export function mergeStoreProductEvents(
  events: readonly StoreProductEventReceivedEvent[],
): StoreProductEventReceivedEvent {
  return mergeStoreEvents<StoreProductEventName>(events);
}

/** The order webhooks of `events` (stream order) as one event; a single event is returned as it is. */
export function mergeStoreOrderEvents(
  events: readonly StoreOrderEventReceivedEvent[],
): StoreOrderEventReceivedEvent {
  return mergeStoreEvents<StoreOrderEventName>(events);
}

/** How many webhooks, hence records to apply, an event carries. */
export function storeProductEventRecordCount(event: StoreProductEventReceivedEvent): number {
  return 1 + laterOf(event).length;
}

export function storeOrderEventRecordCount(event: StoreOrderEventReceivedEvent): number {
  return 1 + laterOf(event).length;
}

/** Every webhook an event carries, in stream order: its own, then the later ones merged into it. */
export function storeWebhooksOf<Name extends string>(
  event: StoreEventMessage<Name>,
): Array<StoreWebhook<Name>> {
  const { event: name, data, receivedAt } = event;
  return [{ event: name, data, receivedAt }, ...laterOf(event)];
}

function mergeStoreEvents<Name extends string>(
  events: ReadonlyArray<StoreEventMessage<Name>>,
): StoreEventMessage<Name> {
  if (events.length === 0) {
    throw new Error('Nothing to merge');
  }
  if (events.length === 1) {
    return events[0];
  }
  const { connectionId } = events[0];
  if (events.some((event) => event.connectionId !== connectionId)) {
    throw new Error('Only the webhooks of one connection can be merged');
  }
  const [first, ...later] = events.flatMap((event) => storeWebhooksOf(event));
  return { connectionId, ...first, later };
}

function laterOf<Name extends string>(event: StoreEventMessage<Name>): Array<StoreWebhook<Name>> {
  if (event.later === undefined) {
    return [];
  }
  if (!Array.isArray(event.later)) {
    throw new Error('Cannot merge store events whose later webhooks are not a list');
  }
  return event.later;
}
