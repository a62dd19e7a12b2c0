import type { PayloadOf } from './events';

/**
 * Every message subject, defined once: dotted, versioned, and all under `storebridge.` so a single
 * JetStream stream captures them. A payload change that breaks consumers gets a new version suffix.
 */
export const Subjects = {
  /** gateway → sync: crawl a store connection now. */
  syncRequested: 'storebridge.sync.requested.v1',
  /** sync → push: a batch of normalized products that are new or changed. */
  productsChanged: 'storebridge.sync.products.changed.v1',
  /** sync → push: a batch of normalized orders that are new or changed, or deleted ids. */
  ordersChanged: 'storebridge.sync.orders.changed.v1',
  /** sync → push: a crawl of one record kind proved its end, and its deletions are published. */
  crawlCompleted: 'storebridge.sync.crawl.completed.v1',
  /** gateway → sync: a store's product webhook (generic-api spec §7), accepted once stored here. */
  storeProductEventReceived: 'storebridge.store.products.event.v1',
  /** gateway → sync: a store's order webhook (generic-api spec §7), accepted once stored here. */
  storeOrderEventReceived: 'storebridge.store.orders.event.v1',
  /** gateway → push: an operator asked (admin API) to send the dead letters of a filter to ShopiMind again. */
  deadLettersReplayRequested: 'storebridge.push.dead-letters.replay.v1',
} as const;

export type Subject = (typeof Subjects)[keyof typeof Subjects];

/** The name of the JetStream stream holding every subject above. */
export const STREAM_NAME = 'STOREBRIDGE';
export const STREAM_SUBJECTS = ['storebridge.>'];

/**
 * Subjects consumed as one queue per key, and the payload field holding the key: push serves the store
 * connections' queues in turn, so one huge catalogue does not starve small shops, and a queue whose installation
 * is inactive waits on its own; sync merges the waiting webhooks of one connection into one run. A message of
 * these subjects travels on `<subject>.<key>`.
 */
export const PartitionKeyFields = {
  [Subjects.productsChanged]: 'connectionId',
  [Subjects.ordersChanged]: 'connectionId',
  [Subjects.storeProductEventReceived]: 'connectionId',
  [Subjects.storeOrderEventReceived]: 'connectionId',
} as const satisfies { [S in Subject]?: keyof PayloadOf<S> };

export type PartitionedSubject = keyof typeof PartitionKeyFields;

// One NATS token: a dot would add a level, and wildcards or whitespace would break the subject.
const PARTITION_KEY_PATTERN = /^[A-Za-z0-9_-]+$/;

export function isPartitionedSubject(subject: string): subject is PartitionedSubject {
  return Object.hasOwn(PartitionKeyFields, subject);
}

/** `storebridge.sync.products.changed.v1` and a connection id → `storebridge.sync.products.changed.v1.<id>`. */
export function partitionedSubject(subject: PartitionedSubject, key: string): string {
  if (!PARTITION_KEY_PATTERN.test(key)) {
    throw new Error(`A partition key of ${subject} must be letters, digits, dashes and underscores only`);
  }
  return `${subject}.${key}`;
}

/** The key of `candidate` when it is a partition of `subject` (`<subject>.<key>`), undefined otherwise. */
export function partitionKeyIn(subject: PartitionedSubject, candidate: string): string | undefined {
  const key = candidate.startsWith(`${subject}.`) ? candidate.slice(subject.length + 1) : undefined;
  return key !== undefined && PARTITION_KEY_PATTERN.test(key) ? key : undefined;
}

/** Matches every partition of `subject` (one more token), not the subject itself. */
export function partitionsOf(subject: PartitionedSubject): string {
  return `${subject}.*`;
}

/** Where a message is published: its partition for a partitioned subject, the subject itself otherwise. */
export function publishSubject<S extends Subject>(subject: S, payload: PayloadOf<S>): string {
  if (!isPartitionedSubject(subject)) {
    return subject;
  }
  const key = (payload as PayloadOf<PartitionedSubject>)[PartitionKeyFields[subject]];
  return partitionedSubject(subject, key);
}
