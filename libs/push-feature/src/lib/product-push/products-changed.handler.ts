import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  mergeProductsChanged,
  ProductsChangedEvent,
  productsChangedRecordCount,
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
import { ProductPushService } from './product-push.service';

/**
 * Waiting messages of one connection reach push as one merged message of up to COALESCED_RECORDS, the latest
 * change of each record winning: a burst of webhooks (one record each) makes a few ShopiMind calls instead of one
 * per webhook, and a crawl's pages share their database round trips (issue #5).
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
    concurrency: CONCURRENT_RUNS,
    coalesce: COALESCE,
  })
  handle(
    @Payload(RpcValidationPipe) event: ProductsChangedEvent,
    @Ctx() context: MessagingContext,
  ): Promise<void> {
    // A redelivery may find some of its records in ShopiMind already.
    return this.productPush.pushProducts(event, { attempt: context.getAttempt() });
  }
}
