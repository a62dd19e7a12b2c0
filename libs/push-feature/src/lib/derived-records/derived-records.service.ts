import { Inject, Injectable, Logger } from '@nestjs/common';
import type { CrawlCompletedEvent } from '@storebridge/contracts';
import { DERIVED_FROM, DERIVED_KINDS, PushLedgerReader, type RecordKind } from '@storebridge/persistence';
import { IdMappingRepository } from '@storebridge/push-persistence';
import { deleteDerived, deleteProducts } from '../deletes/record-deletes';
import {
  PRODUCT_ENTITY,
  PushTargetService,
  type PushMessage,
  type PushTarget,
} from '../push-target/push-target.service';

/**
 * After a complete crawl, deletes from ShopiMind the derived records (categories from products; order statuses and
 * customers from orders) no record of the store points at any more, and retries the refused deletes of that record
 * kind that are due: a connection whose records never change again still gets them done.
 */
@Injectable()
export class DerivedRecordsService {
  private readonly logger = new Logger(DerivedRecordsService.name);

  constructor(
    private readonly pushTargets: PushTargetService,
    private readonly idMappings: IdMappingRepository,
    @Inject(PushLedgerReader) private readonly ledger: Pick<PushLedgerReader, 'findUnreferenced'>,
  ) {}

  async removeUnreferenced(event: CrawlCompletedEvent): Promise<void> {
    const message: PushMessage = { connectionId: event.connectionId, syncRunId: event.syncRunId, page: 0 };
    const opened = await this.pushTargets.open(message, `${event.entity} references`);
    if (!opened) {
      return;
    }
    const kinds = DERIVED_KINDS.filter((kind) => DERIVED_FROM[kind] === event.entity);
    const due = await this.pushTargets.dueDeletes(message, [event.entity, ...kinds]);
    await this.retryRecordDeletes(opened, message, event.entity, due.get(event.entity) ?? []);
    // What push wrote since the crawl started may come from records still on their way: kept until the next one.
    const savedBefore = new Date(event.startedAt);
    for (const kind of kinds) {
      const unreferenced = await this.ledger.findUnreferenced(event.connectionId, kind, savedBefore);
      if (!unreferenced.known) {
        this.logger.warn(
          `Kept every ${kind} of connection ${event.connectionId}: ${unreferenced.withoutReferences} ${event.entity} were pushed before references were kept, so what they point at is unknown until they are pushed again (a configuration change pushes them all)`,
        );
      }
      const ids = new Set([...(unreferenced.known ? unreferenced.ids : []), ...(due.get(kind) ?? [])]);
      await deleteDerived(this.pushTargets, opened.target, message, kind, [...ids]);
    }
  }

  private async retryRecordDeletes(
    { installation, target }: PushTarget,
    message: PushMessage,
    entity: RecordKind,
    storeIds: readonly string[],
  ): Promise<void> {
    if (storeIds.length === 0) {
      return;
    }
    if (entity === 'products') {
      const numericIds = await this.idMappings.numericIdsFor(installation.id, PRODUCT_ENTITY, storeIds);
      await deleteProducts(this.pushTargets, target, message, storeIds, numericIds);
    } else {
      await this.pushTargets.settleDeletes(
        'orders',
        message,
        await target.writer.deleteOrders([...storeIds]),
        String,
      );
    }
  }
}
