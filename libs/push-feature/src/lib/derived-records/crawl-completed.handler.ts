import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CrawlCompletedEvent, Subjects } from '@storebridge/contracts';
import { MESSAGING_TRANSPORT, MessagingExceptionFilter, RpcValidationPipe } from '@storebridge/messaging';
import { DerivedRecordsService } from './derived-records.service';

/** Sync proved a crawl complete: what only records gone from the store pointed at goes from ShopiMind too. */
@Controller()
@UseFilters(MessagingExceptionFilter)
export class CrawlCompletedHandler {
  constructor(private readonly derivedRecords: DerivedRecordsService) {}

  @EventPattern(Subjects.crawlCompleted, MESSAGING_TRANSPORT)
  handle(@Payload(RpcValidationPipe) event: CrawlCompletedEvent): Promise<void> {
    return this.derivedRecords.removeUnreferenced(event);
  }
}
