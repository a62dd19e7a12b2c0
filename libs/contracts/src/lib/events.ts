import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Min,
  ValidateNested,
} from 'class-validator';
import { NormalizedOrder } from './normalized-order';
import { NormalizedProduct } from './normalized-product';
import { Subjects } from './subjects';

export const SYNC_TRIGGERS = ['activate', 'config_updated', 'store_webhook', 'schedule', 'manual'] as const;
export type SyncTrigger = (typeof SYNC_TRIGGERS)[number];

export class SyncRequestedEvent {
  @IsUUID()
  connectionId!: string;

  @IsIn(SYNC_TRIGGERS)
  trigger!: SyncTrigger;
}

/**
 * What sync tells push about one entity of one connection: one crawled page of new or changed records, or one
 * store webhook's change, which has no sync run (`syncRunId` null) and page 0. Push may merge waiting ones into
 * one (see coalesce.ts). Subclasses add the records.
 */
abstract class RecordsChangedEvent {
  @IsUUID()
  connectionId!: string;

  @IsOptional()
  @IsUUID()
  syncRunId!: string | null;

  @IsInt()
  @Min(0)
  page!: number;

  @IsArray()
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  deletedIds!: string[];
}

export class ProductsChangedEvent extends RecordsChangedEvent {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => NormalizedProduct)
  products!: NormalizedProduct[];
}

export class OrdersChangedEvent extends RecordsChangedEvent {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => NormalizedOrder)
  orders!: NormalizedOrder[];
}

export const CRAWLED_KINDS = ['products', 'orders'] as const;
export type CrawledKind = (typeof CRAWLED_KINDS)[number];

/**
 * A crawl of one record kind of one connection ended proven complete (generic-api spec §3), after its deletions
 * were published and sync's mirror holds exactly what the store lists: push may now delete from ShopiMind what
 * only records gone from the store pointed at (categories, order statuses, customers).
 */
export class CrawlCompletedEvent {
  @IsUUID()
  connectionId!: string;

  @IsIn(CRAWLED_KINDS)
  entity!: CrawledKind;

  @IsUUID()
  syncRunId!: string;

  /** ISO 8601, when the run started: what push wrote since may come from records still on their way. */
  @IsISO8601()
  startedAt!: string;
}

export const STORE_PRODUCT_EVENTS = ['product.created', 'product.updated', 'product.deleted'] as const;
export type StoreProductEventName = (typeof STORE_PRODUCT_EVENTS)[number];

export const STORE_ORDER_EVENTS = ['order.created', 'order.updated', 'order.deleted'] as const;
export type StoreOrderEventName = (typeof STORE_ORDER_EVENTS)[number];

/**
 * A store webhook as received (generic-api spec §7): `data` is the store's record as sent, possibly partial
 * (an update carries only the changed fields, a delete only the id), not yet normalized.
 */
export class StoreProductWebhook {
  @IsIn(STORE_PRODUCT_EVENTS)
  event!: StoreProductEventName;

  @IsObject()
  data!: Record<string, unknown>;

  /** ISO 8601, when the gateway accepted the webhook. */
  @IsISO8601()
  receivedAt!: string;
}

/**
 * One store webhook of a connection; sync may merge waiting ones into one (see store-event-coalesce.ts), the
 * webhooks that came after the first then in `later`, in stream order. The gateway never sets `later`.
 */
export class StoreProductEventReceivedEvent extends StoreProductWebhook {
  @IsUUID()
  connectionId!: string;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => StoreProductWebhook)
  later?: StoreProductWebhook[];
}

export class StoreOrderWebhook {
  @IsIn(STORE_ORDER_EVENTS)
  event!: StoreOrderEventName;

  @IsObject()
  data!: Record<string, unknown>;

  /** ISO 8601, when the gateway accepted the webhook. */
  @IsISO8601()
  receivedAt!: string;
}

export class StoreOrderEventReceivedEvent extends StoreOrderWebhook {
  @IsUUID()
  connectionId!: string;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => StoreOrderWebhook)
  later?: StoreOrderWebhook[];
}

export const DEAD_LETTER_ENTITIES = ['products', 'orders'] as const;
export type DeadLetterEntity = (typeof DEAD_LETTER_ENTITIES)[number];

/** Which dead letters: those of one connection and/or entity, or all; at most `limit` (else push's default). */
export class DeadLetterReplayFilter {
  @IsOptional()
  @IsUUID()
  connectionId?: string;

  @IsOptional()
  @IsIn(DEAD_LETTER_ENTITIES)
  entity?: DeadLetterEntity;

  @IsOptional()
  @IsInt()
  @Min(1)
  limit?: number;
}

/** An operator asks push to send some dead letters to ShopiMind again. */
export class DeadLettersReplayRequestedEvent {
  // Nested rather than flat: this message is no connection's, unlike every payload with a top-level connectionId.
  @IsObject()
  @ValidateNested()
  @Type(() => DeadLetterReplayFilter)
  filter!: DeadLetterReplayFilter;
}

/** Subject → payload class: the single source of truth both publishers and handlers type against. */
export const SubjectPayloads = {
  [Subjects.syncRequested]: SyncRequestedEvent,
  [Subjects.productsChanged]: ProductsChangedEvent,
  [Subjects.ordersChanged]: OrdersChangedEvent,
  [Subjects.crawlCompleted]: CrawlCompletedEvent,
  [Subjects.storeProductEventReceived]: StoreProductEventReceivedEvent,
  [Subjects.storeOrderEventReceived]: StoreOrderEventReceivedEvent,
  [Subjects.deadLettersReplayRequested]: DeadLettersReplayRequestedEvent,
} as const;

export type PayloadOf<S extends keyof typeof SubjectPayloads> = InstanceType<(typeof SubjectPayloads)[S]>;
