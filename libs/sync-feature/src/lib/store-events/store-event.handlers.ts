import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  mergeStoreOrderEvents,
  mergeStoreProductEvents,
  StoreOrderEventReceivedEvent,
  storeOrderEventRecordCount,
  StoreProductEventReceivedEvent,
  storeProductEventRecordCount,
  storeWebhooksOf,
  Subjects,
  type StoreOrderEventName,
  type StoreProductEventName,
} from '@storebridge/contracts';
import {
  type CoalesceOptions,
  MESSAGING_TRANSPORT,
  MessagingContext,
  MessagingExceptionFilter,
  RpcValidationPipe,
} from '@storebridge/messaging';
import type { RecordKind } from '@storebridge/persistence';
import { StoreRecordEventService, type StoreRecordEvent } from './store-record-event.service';

/**
 * One run at a time per replica and entity: two runs touching one record concurrently would each start from the
 * same stored record, and the later write would drop the other's changes.
 */
const CONCURRENT_RUNS = 1;

/**
 * Waiting webhooks of one connection reach sync as one message of up to COALESCED_EVENTS, applied with one mirror
 * read and one write: a burst of one-record webhooks costs a few runs instead of one each.
 */
const COALESCED_EVENTS = 500;

const COALESCE_PRODUCTS: CoalesceOptions<StoreProductEventReceivedEvent> = {
  merge: mergeStoreProductEvents,
  recordCount: storeProductEventRecordCount,
  maxRecords: COALESCED_EVENTS,
};

const COALESCE_ORDERS: CoalesceOptions<StoreOrderEventReceivedEvent> = {
  merge: mergeStoreOrderEvents,
  recordCount: storeOrderEventRecordCount,
  maxRecords: COALESCED_EVENTS,
};

/** The webhooks a message carries, in stream order, as the engine applies them. */
function recordEventsOf(
  message: StoreProductEventReceivedEvent | StoreOrderEventReceivedEvent,
  entity: RecordKind,
): StoreRecordEvent[] {
  return storeWebhooksOf<StoreProductEventName | StoreOrderEventName>(message).map(({ event, data }) => ({
    connectionId: message.connectionId,
    entity,
    action: event.endsWith('.deleted') ? 'delete' : 'upsert',
    data,
  }));
}

@Controller()
@UseFilters(MessagingExceptionFilter)
export class StoreEventHandlers {
  constructor(private readonly storeRecordEvents: StoreRecordEventService) {}

  @EventPattern(Subjects.storeProductEventReceived, MESSAGING_TRANSPORT, {
    concurrency: CONCURRENT_RUNS,
    coalesce: COALESCE_PRODUCTS,
  })
  handleProductEvent(
    @Payload(RpcValidationPipe) event: StoreProductEventReceivedEvent,
    @Ctx() context: MessagingContext,
  ): Promise<void> {
    return this.storeRecordEvents.apply(recordEventsOf(event, 'products'), {
      sequence: context.getSequence(),
    });
  }

  @EventPattern(Subjects.storeOrderEventReceived, MESSAGING_TRANSPORT, {
    concurrency: CONCURRENT_RUNS,
    coalesce: COALESCE_ORDERS,
  })
  handleOrderEvent(
    @Payload(RpcValidationPipe) event: StoreOrderEventReceivedEvent,
    @Ctx() context: MessagingContext,
  ): Promise<void> {
    return this.storeRecordEvents.apply(recordEventsOf(event, 'orders'), { sequence: context.getSequence() });
  }
}
