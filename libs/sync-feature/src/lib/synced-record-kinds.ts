import { hash } from 'node:crypto';
import type { Provider } from '@nestjs/common';
import { Subjects, type NormalizedOrder, type NormalizedProduct } from '@storebridge/contracts';
import type { StoreConnectionSettings } from '@storebridge/store-client';
import {
  NORMALIZATION_VERSION,
  ORDER_FIELD_ALIASES,
  type OrderMappingContext,
  PRODUCT_FIELD_ALIASES,
  type ProductMappingContext,
  resolveRecordId,
  toNormalizedOrder,
  toNormalizedProduct,
} from '@storebridge/store-normalization';
import { MessagePublisher } from '@storebridge/messaging';
import { type RecordKind, type StoreConnectionEntity } from '@storebridge/persistence';
import {
  StoreOrderRepository,
  StoreProductRepository,
  type StoreRecordMirror,
} from '@storebridge/sync-persistence';
import { EVERY_RECORD, productSelection, type RecordSelection } from './connection-settings/record-selection';

/** One normalized store record, or why it was skipped, with its value warnings by code. */
export interface NormalizedRecordResult<T> {
  record?: T;
  skipReason?: string;
  warningCodes: string[];
}

/** What sync hands push about one record kind of one connection: a crawled page, or one webhook's change. */
export interface RecordChange<T> {
  connectionId: string;
  /** Null for a store webhook's change. */
  syncRunId: string | null;
  /** 0 for a store webhook's change. */
  page: number;
  records: T[];
  deletedIds: string[];
}

export type RecordMirror<T extends { id: string }> = Pick<
  StoreRecordMirror<T, object>,
  | 'upsertMany'
  | 'recordSeen'
  | 'findUnseen'
  | 'holdDeletions'
  | 'releaseHeldDeletions'
  | 'findStates'
  | 'deleteMany'
  | 'findPageBodyHashes'
  | 'recordUnchangedPage'
  | 'forgetPagesFrom'
>;

/**
 * Everything the sync engine needs to know about one kind of store record (generic-api spec §4, §5): the crawl,
 * change detection and webhook merges are written once against this.
 */
export interface SyncedRecordKind<T extends { id: string } = { id: string }> {
  readonly name: RecordKind;
  readonly mirror: RecordMirror<T>;
  normalize(raw: unknown, settings: StoreConnectionSettings): NormalizedRecordResult<T>;
  /**
   * Everything `normalize` depends on besides the record, as one key: the normalizer's version and the settings it
   * reads. A page fingerprint taken under another key is not trusted.
   */
  normalizationKey(settings: StoreConnectionSettings): string;
  /** The store's id of the record a (possibly partial) webhook `data` is about, resolved like a crawled one's. */
  idOf(data: Record<string, unknown>, settings: StoreConnectionSettings): string | undefined;
  /** Which records ShopiMind must not hold under the connection's settings, announced as deleted instead. */
  selection(connection: StoreConnectionEntity): RecordSelection<T>;
  publishChange(change: RecordChange<T>, messageId: string): Promise<void>;
}

/** In crawl order: products first, so the lines of the orders that follow name products ShopiMind knows. */
export const SYNCED_RECORD_KINDS = Symbol('SYNCED_RECORD_KINDS');

// What each normalizer reads of the connection's settings: given to it, and hashed into its normalization key.
const productContext = (settings: StoreConnectionSettings): ProductMappingContext => ({
  baseUrl: settings.baseUrl,
  mappings: settings.fieldMappings.products,
});
const orderContext = (settings: StoreConnectionSettings): OrderMappingContext => ({
  mappings: settings.fieldMappings.orders,
});

function normalizationKeyOf(kind: RecordKind, context: ProductMappingContext | OrderMappingContext): string {
  return hash('sha256', JSON.stringify([NORMALIZATION_VERSION, kind, context]), 'hex');
}

export function syncedProducts(
  mirror: RecordMirror<NormalizedProduct>,
  publisher: MessagePublisher,
): SyncedRecordKind<NormalizedProduct> {
  return {
    name: 'products',
    mirror,
    normalize: (raw, settings) => {
      const mapped = toNormalizedProduct(raw, productContext(settings));
      return {
        record: mapped.product,
        skipReason: mapped.skipReason,
        warningCodes: mapped.warnings.map((warning) => warning.code),
      };
    },
    normalizationKey: (settings) => normalizationKeyOf('products', productContext(settings)),
    idOf: (data, settings) => resolveRecordId(data, PRODUCT_FIELD_ALIASES, settings.fieldMappings.products),
    selection: productSelection,
    publishChange: ({ records, ...change }, messageId) =>
      publisher.publish(Subjects.productsChanged, { ...change, products: records }, { messageId }),
  };
}

export function syncedOrders(
  mirror: RecordMirror<NormalizedOrder>,
  publisher: MessagePublisher,
): SyncedRecordKind<NormalizedOrder> {
  return {
    name: 'orders',
    mirror,
    normalize: (raw, settings) => {
      const mapped = toNormalizedOrder(raw, orderContext(settings));
      return {
        record: mapped.order,
        skipReason: mapped.skipReason,
        warningCodes: mapped.warnings.map((warning) => warning.code),
      };
    },
    normalizationKey: (settings) => normalizationKeyOf('orders', orderContext(settings)),
    idOf: (data, settings) => resolveRecordId(data, ORDER_FIELD_ALIASES, settings.fieldMappings.orders),
    selection: () => EVERY_RECORD,
    publishChange: ({ records, ...change }, messageId) =>
      publisher.publish(Subjects.ordersChanged, { ...change, orders: records }, { messageId }),
  };
}

export const syncedEntitiesProvider: Provider = {
  provide: SYNCED_RECORD_KINDS,
  inject: [StoreProductRepository, StoreOrderRepository, MessagePublisher],
  useFactory: (
    products: StoreProductRepository,
    orders: StoreOrderRepository,
    publisher: MessagePublisher,
  ): SyncedRecordKind[] => [syncedProducts(products, publisher), syncedOrders(orders, publisher)],
};
