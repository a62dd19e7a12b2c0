import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  mergeProductsChanged,
  ProductsChangedEvent,
  productsChangedRecordCount,
  Subjects,
} from '@storebridge/contracts';
import {
  type CoalesceOptions,
  MESSAGING_TRANSPORT,
  MessagingExceptionFilter,
  RpcValidationPipe,
} from '@storebridge/messaging';
import { COALESCED_RECORDS, CONCURRENT_PAGES } from '../push-target/push-target.service';
import { ProductPushService } from './product-push.service';

/**
 * A burst of webhooks (one record each) reaches push as one merged message of up to a crawl page's size, the
 * latest change of each record winning: a few ShopiMind calls instead of one per webhook (issue #5).
 */
const COALESCE: CoalesceOptions<ProductsChangedEvent> = {
  merge: mergeProductsChanged,
  recordCount: productsChangedRecordCount,
  maxRecords: COALESCED_RECORDS,
};

@Controller()
@UseFilters(MessagingExceptionFilter)
export class ProductsChangedHandler {
  constructor(private readonly productPush: ProductPushService) {}

  @EventPattern(Subjects.productsChanged, MESSAGING_TRANSPORT, {
    concurrency: CONCURRENT_PAGES,
    coalesce: COALESCE,
  })
  handle(@Payload(RpcValidationPipe) event: ProductsChangedEvent): Promise<void> {
    return this.productPush.pushProducts(event);
  }
}
