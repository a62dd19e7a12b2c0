import { Inject, Injectable, Logger } from '@nestjs/common';
import { StoreConnectionService, type StoreConnectionView } from '@storebridge/connections';
import { toStorable } from '@storebridge/untrusted-input';
import type { RecordKind } from '@storebridge/persistence';
import { mirroredContentHash } from '../connection-settings/record-selection';
import { findReadableConnection } from '../readable-connection';
import { SYNCED_RECORD_KINDS, type SyncedRecordKind } from '../synced-record-kinds';

/** A store webhook (generic-api spec §7) reduced to what the engine does with it. */
export interface StoreRecordEvent {
  connectionId: string;
  entity: RecordKind;
  /** `created` and `updated` both merge: a late "created" must not undo a later update. */
  action: 'upsert' | 'delete';
  /** The store's record as sent, possibly partial (a delete carries only the id). */
  data: Record<string, unknown>;
}

/**
 * Applies a store's webhook to the mirror and hands the result to push, like a crawled page of one record.
 * Push is told before the mirror is written: a redelivery after a failure in between then finds the mirror
 * still old, publishes again under the same message id (dropped by the bus) and writes the mirror, where the
 * other order would take the redelivered change for an unchanged one.
 */
@Injectable()
export class StoreRecordEventService {
  private readonly logger = new Logger(StoreRecordEventService.name);

  constructor(
    private readonly storeConnections: StoreConnectionService,
    @Inject(SYNCED_RECORD_KINDS) private readonly kinds: readonly SyncedRecordKind[],
  ) {}

  async apply(event: StoreRecordEvent): Promise<void> {
    const kind = this.kinds.find((candidate) => candidate.name === event.entity);
    if (!kind) {
      throw new Error(`No synced kind named ${event.entity}`);
    }
    // Uninstalled since the store sent it: nothing is kept for that store any more. Unreadable credential: the
    // next crawl, once the configuration is saved again, brings the mirror up to date.
    const view = await findReadableConnection(
      this.storeConnections,
      event.connectionId,
      this.logger,
      `Store ${event.entity} event`,
    );
    if (!view) {
      return;
    }
    // Stored as the crawl stores a page: without NUL or lone surrogates, which the database refuses.
    const data = toStorable(event.data) as Record<string, unknown>;
    const id = kind.idOf(data, view.settings);
    if (id === undefined) {
      this.logger.warn(
        `Store ${event.entity} ${event.action} event of connection ${event.connectionId} names no id; skipped`,
      );
      return;
    }
    return event.action === 'upsert'
      ? this.merge(view, kind, id, data)
      : this.delete(view.connection.id, kind, id);
  }

  /**
   * Spec §7: an update may carry only the changed fields, so it is merged into the last record we hold. The
   * merge is shallow on purpose: a store sends a changed nested value (images, categories, order lines) whole,
   * and merging inside it would keep images or lines the store removed.
   */
  private async merge(
    view: StoreConnectionView,
    kind: SyncedRecordKind,
    id: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    const connectionId = view.connection.id;
    const stored = await kind.mirror.findState(connectionId, id);
    const merged = { ...(stored?.raw ?? {}), ...data };
    const normalized = kind.normalize(merged, view.settings);
    if (!normalized.record) {
      // E.g. a partial update of a record mirrored before raw records were kept: the next crawl has it all.
      this.logger.warn(
        `Store ${kind.name} event for ${id} of connection ${connectionId} skipped after merging: ${normalized.skipReason}`,
      );
      return;
    }
    const record = normalized.record;
    const selection = kind.selection(view.connection);
    const contentHash = mirroredContentHash(record, selection);
    if (stored?.contentHash !== contentHash) {
      // A record left out is announced as deleted, as a crawl does (StoreSyncService.writePage).
      const leftOut = selection.leftOut(record);
      await kind.publishChange(
        {
          connectionId,
          syncRunId: null,
          page: 0,
          records: leftOut ? [] : [record],
          deletedIds: leftOut ? [record.id] : [],
        },
        `webhook:${connectionId}:${kind.name}:${record.id}:${contentHash}`,
      );
    }
    // Also when nothing ShopiMind sees changed: the next partial update merges into the latest record.
    await kind.mirror.upsertMany(
      connectionId,
      [record],
      new Map([[record.id, merged]]),
      new Map([[record.id, contentHash]]),
    );
  }

  /** Only a record we hold is announced as deleted; a redelivery after the row went has nothing left to do. */
  private async delete(connectionId: string, kind: SyncedRecordKind, id: string): Promise<void> {
    const stored = await kind.mirror.findState(connectionId, id);
    if (!stored) {
      this.logger.log(
        `Store deleted ${kind.name} record ${id} of connection ${connectionId}, which the mirror does not hold`,
      );
      return;
    }
    await kind.publishChange(
      { connectionId, syncRunId: null, page: 0, records: [], deletedIds: [id] },
      `webhook:${connectionId}:${kind.name}:${id}:deleted:${stored.contentHash}`,
    );
    await kind.mirror.deleteMany(connectionId, [id]);
  }
}
