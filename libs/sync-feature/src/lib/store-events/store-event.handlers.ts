import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { StoreProductEventReceivedEvent, Subjects } from '@storebridge/contracts';
import { MESSAGING_TRANSPORT, MessagingExceptionFilter, RpcValidationPipe } from '@storebridge/messaging';
import { StoreProductEventService } from './store-product-event.service';

/**
 * One at a time per replica: two updates of one product merged concurrently would each start from the same
 * stored record, and the later write would drop the other's fields.
 */
const CONCURRENT_EVENTS = 1;

@Controller()
@UseFilters(MessagingExceptionFilter)
export class StoreProductEventHandler {
  constructor(private readonly storeProductEvents: StoreProductEventService) {}

  @EventPattern(Subjects.storeProductEventReceived, MESSAGING_TRANSPORT, { concurrency: CONCURRENT_EVENTS })
  handle(@Payload(RpcValidationPipe) event: StoreProductEventReceivedEvent): Promise<void> {
    return this.storeProductEvents.apply(event);
  }
}
