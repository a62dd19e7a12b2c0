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
  /** gateway → sync: a store's product webhook (generic-api spec §7), accepted once stored here. */
  storeProductEventReceived: 'storebridge.store.products.event.v1',
  /** gateway → sync: a store's order webhook (generic-api spec §7), accepted once stored here. */
  storeOrderEventReceived: 'storebridge.store.orders.event.v1',
} as const;

export type Subject = (typeof Subjects)[keyof typeof Subjects];

/** The name of the JetStream stream holding every subject above. */
export const STREAM_NAME = 'STOREBRIDGE';
export const STREAM_SUBJECTS = ['storebridge.>'];
