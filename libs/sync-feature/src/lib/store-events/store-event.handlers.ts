import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  StoreOrderEventReceivedEvent,
  StoreProductEventReceivedEvent,
  Subjects,
  type StoreOrderEventName,
  type StoreProductEventName,
} from '@storebridge/contracts';
import { MESSAGING_TRANSPORT, MessagingExceptionFilter, RpcValidationPipe } from '@storebridge/messaging';
import { StoreRecordEventService, type StoreRecordEvent } from './store-record-event.service';

/**
 * One at a time per replica and entity: two updates of one record merged concurrently would each start from
 * the same stored record, and the later write would drop the other's fields.
 */
const CONCURRENT_EVENTS = 1;

function actionOf(event: StoreProductEventName | StoreOrderEventName): StoreRecordEvent['action'] {
  return event.endsWith('.deleted') ? 'delete' : 'upsert';
}

@Controller()
@UseFilters(MessagingExceptionFilter)
export class StoreEventHandlers {
  constructor(private readonly storeRecordEvents: StoreRecordEventService) {}

  @EventPattern(Subjects.storeProductEventReceived, MESSAGING_TRANSPORT, { concurrency: CONCURRENT_EVENTS })
  handleProductEvent(@Payload(RpcValidationPipe) event: StoreProductEventReceivedEvent): Promise<void> {
    return this.storeRecordEvents.apply({
      connectionId: event.connectionId,
      entity: 'products',
      action: actionOf(event.event),
      data: event.data,
    });
  }

  @EventPattern(Subjects.storeOrderEventReceived, MESSAGING_TRANSPORT, { concurrency: CONCURRENT_EVENTS })
  handleOrderEvent(@Payload(RpcValidationPipe) event: StoreOrderEventReceivedEvent): Promise<void> {
    return this.storeRecordEvents.apply({
      connectionId: event.connectionId,
      entity: 'orders',
      action: actionOf(event.event),
      data: event.data,
    });
  }
}
