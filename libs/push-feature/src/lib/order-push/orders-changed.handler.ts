import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { OrdersChangedEvent, Subjects } from '@storebridge/contracts';
import { MESSAGING_TRANSPORT, MessagingExceptionFilter, RpcValidationPipe } from '@storebridge/messaging';
import { OrderPushService } from './order-push.service';

/** Pages of one crawl are independent writes; a few in flight hide ShopiMind's latency. */
const CONCURRENT_PAGES = 4;

@Controller()
@UseFilters(MessagingExceptionFilter)
export class OrdersChangedHandler {
  constructor(private readonly orderPush: OrderPushService) {}

  @EventPattern(Subjects.ordersChanged, MESSAGING_TRANSPORT, { concurrency: CONCURRENT_PAGES })
  handle(@Payload(RpcValidationPipe) event: OrdersChangedEvent): Promise<void> {
    return this.orderPush.pushOrders(event);
  }
}
