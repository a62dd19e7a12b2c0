import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  mergeOrdersChanged,
  OrdersChangedEvent,
  ordersChangedRecordCount,
  Subjects,
} from '@storebridge/contracts';
import {
  type CoalesceOptions,
  MESSAGING_TRANSPORT,
  MessagingContext,
  MessagingExceptionFilter,
  RpcValidationPipe,
} from '@storebridge/messaging';
import { COALESCED_RECORDS, CONCURRENT_RUNS } from '../push-target/push-target.service';
import { OrderPushService } from './order-push.service';

/**
 * Waiting messages of one connection reach push as one merged message of up to COALESCED_RECORDS, the latest
 * change of each record winning: a burst of webhooks (one record each) makes a few ShopiMind calls instead of one
 * per webhook, and a crawl's pages share their database round trips (issue #5).
 */
const COALESCE: CoalesceOptions<OrdersChangedEvent> = {
  merge: mergeOrdersChanged,
  recordCount: ordersChangedRecordCount,
  maxRecords: COALESCED_RECORDS,
};

@Controller()
@UseFilters(MessagingExceptionFilter)
export class OrdersChangedHandler {
  constructor(private readonly orderPush: OrderPushService) {}

  @EventPattern(Subjects.ordersChanged, MESSAGING_TRANSPORT, {
    concurrency: CONCURRENT_RUNS,
    coalesce: COALESCE,
  })
  handle(
    @Payload(RpcValidationPipe) event: OrdersChangedEvent,
    @Ctx() context: MessagingContext,
  ): Promise<void> {
    // A redelivery may find some of its records in ShopiMind already.
    return this.orderPush.pushOrders(event, { attempt: context.getAttempt() });
  }
}
