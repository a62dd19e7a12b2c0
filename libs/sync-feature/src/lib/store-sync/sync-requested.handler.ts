import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Subjects, SyncRequestedEvent } from '@storebridge/contracts';
import { MESSAGING_TRANSPORT, MessagingExceptionFilter, RpcValidationPipe } from '@storebridge/messaging';
import { StoreSyncService } from './store-sync.service';

/** Crawls are long and store-bound: a few at once per replica keeps one slow store from blocking others. */
const CONCURRENT_CRAWLS = 4;

@Controller()
@UseFilters(MessagingExceptionFilter)
export class SyncRequestedHandler {
  constructor(private readonly storeSync: StoreSyncService) {}

  @EventPattern(Subjects.syncRequested, MESSAGING_TRANSPORT, { concurrency: CONCURRENT_CRAWLS })
  handle(@Payload(RpcValidationPipe) event: SyncRequestedEvent): Promise<void> {
    return this.storeSync.runFullSync(event);
  }
}
