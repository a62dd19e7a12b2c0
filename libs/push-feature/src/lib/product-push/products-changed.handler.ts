import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ProductsChangedEvent, Subjects } from '@storebridge/contracts';
import { MESSAGING_TRANSPORT, MessagingExceptionFilter, RpcValidationPipe } from '@storebridge/messaging';
import { ProductPushService } from './product-push.service';

/** Pages of one crawl are independent writes; a few in flight hide ShopiMind's latency. */
const CONCURRENT_PAGES = 4;

@Controller()
@UseFilters(MessagingExceptionFilter)
export class ProductsChangedHandler {
  constructor(private readonly productPush: ProductPushService) {}

  @EventPattern(Subjects.productsChanged, MESSAGING_TRANSPORT, { concurrency: CONCURRENT_PAGES })
  handle(@Payload(RpcValidationPipe) event: ProductsChangedEvent): Promise<void> {
    return this.productPush.pushProducts(event);
  }
}
