import { hash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { StoreConnectionService, type StoreConnectionView } from '@storebridge/connections';
import { toStorable } from '@storebridge/untrusted-input';
import type { RecordKind } from '@storebridge/persistence';
import type { MirroredRecordState } from '@storebridge/sync-persistence';
import { mirroredContentHash } from '../connection-settings/record-selection';
import { findReadableConnection } from '../readable-connection';
import { SYNCED_RECORD_KINDS, type SyncedRecordKind } from '../synced-record-kinds';

/** Which webhooks a batch is: the stream sequence of its first message (with the batch's size, its identity). */
export interface StoreEventDelivery {
  sequence: number;
}

/** A store webhook (generic-api spec §7) reduced to what the engine does with it. */
export interface StoreRecordEvent {
  connectionId: string;
  entity: RecordKind;
  /** `created` and `updated` both merge: a late "created" must not undo a later update. */
  action: 'upsert' | 'delete';
  /** The store's record as sent, possibly partial (a delete carries only the id). */
  data: Record<string, unknown>;
}

/** Changes published per message: no more than a crawled page, so a message stays well under the bus's size limit. */
const RECORDS_PER_MESSAGE = 100;

/** What the events of a batch so far left of one record. */
interface RecordState<T> {
  /** The store's record merged so far; undefined once deleted, or when never held. */
  raw?: Record<string, unknown>;
  /** The normalized record, once an event of the batch made it: what the mirror then gets. */
  made?: { record: T; contentHash: string };
}

/** One record a batch changed, as push and the mirror get it: written to the mirror, or deleted from it. */
interface AppliedChange<T> {
  id: string;
  /** The record to write; absent when the batch deleted it. */
  written?: { record: T; raw: Record<string, unknown>; contentHash: string };
  /** What push is told, if anything, and the key of that in the message id. */
  published?: { upsert?: T; deletedId?: string; key: string };
}

/**
 * Applies a run of store webhooks of one connection and record kind to the mirror and hands the result to push,
 * like a crawled page: one mirror read, the events applied in order per record (as if one by one), the changed
 * records published, then one mirror write. Push is told before the mirror is written: a redelivery after a failure
 * in between then finds the mirror still old, publishes again (under the same message ids when the same messages
 * come back together, dropped by the bus) and writes the mirror, where the other order would take the redelivered
 * changes for unchanged ones.
 */
@Injectable()
export class StoreRecordEventService {
  private readonly logger = new Logger(StoreRecordEventService.name);

  constructor(
    private readonly storeConnections: StoreConnectionService,
    @Inject(SYNCED_RECORD_KINDS) private readonly kinds: readonly SyncedRecordKind[],
  ) {}

  /** `events` in the order the store sent them, all of one connection and record kind, delivered as `delivery`. */
  async apply(events: readonly StoreRecordEvent[], delivery: StoreEventDelivery): Promise<void> {
    if (events.length === 0) {
      return;
    }
    const [{ connectionId, entity }] = events;
    if (events.some((event) => event.connectionId !== connectionId || event.entity !== entity)) {
      throw new Error('A batch of store events holds the events of one connection and record kind only');
    }
    const kind = this.kinds.find((candidate) => candidate.name === entity);
    if (!kind) {
      throw new Error(`No synced kind named ${entity}`);
    }
    // Uninstalled since the store sent it: nothing is kept for that store any more. Unreadable credential: the
    // next crawl, once the configuration is saved again, brings the mirror up to date.
    const view = await findReadableConnection(
      this.storeConnections,
      connectionId,
      this.logger,
      `Store ${entity} event`,
    );
    if (!view) {
      return;
    }
    const identified = this.identify(view, kind, events);
    if (identified.length === 0) {
      return;
    }
    const stored = await kind.mirror.findStates(connectionId, [...new Set(identified.map(({ id }) => id))]);
    const changes = this.replay(view, kind, identified, stored);
    await this.publish(connectionId, kind, changes, `${delivery.sequence}+${events.length}`);
    const written = changes.flatMap(({ id, written }) => (written ? [{ id, ...written }] : []));
    if (written.length > 0) {
      // Also when nothing ShopiMind sees changed: the next partial update merges into the latest record.
      await kind.mirror.upsertMany(
        connectionId,
        written.map(({ record }) => record),
        new Map(written.map(({ id, raw }) => [id, raw])),
        new Map(written.map(({ id, contentHash }) => [id, contentHash])),
      );
    }
    const deleted = changes.flatMap(({ id, written, published }) => (!written && published ? [id] : []));
    if (deleted.length > 0) {
      await kind.mirror.deleteMany(connectionId, deleted);
    }
  }

  /** Each event with the store id of its record; an event naming none is skipped, as it always was. */
  private identify(
    view: StoreConnectionView,
    kind: SyncedRecordKind,
    events: readonly StoreRecordEvent[],
  ): Array<{ action: StoreRecordEvent['action']; id: string; data: Record<string, unknown> }> {
    return events.flatMap(({ entity, action, data: sent }) => {
      // Stored as the crawl stores a page: without NUL or lone surrogates, which the database refuses.
      const data = toStorable(sent) as Record<string, unknown>;
      const id = kind.idOf(data, view.settings);
      if (id === undefined) {
        this.logger.warn(
          `Store ${entity} ${action} event of connection ${view.connection.id} names no id; skipped`,
        );
        return [];
      }
      return [{ action, id, data }];
    });
  }

  /**
   * The events applied in order to what the mirror holds, per record, as they would be one by one; then what each
   * record's last state means for push and the mirror, compared with what the mirror held before the batch.
   * Spec §7: an update may carry only the changed fields, so it is merged into the last record we hold. The merge is
   * shallow on purpose: a store sends a changed nested value (images, categories, order lines) whole, and merging
   * inside it would keep images or lines the store removed. A delete leaves nothing to merge into: only a full
   * record brings the record back.
   */
  private replay<T extends { id: string }>(
    view: StoreConnectionView,
    kind: SyncedRecordKind<T>,
    events: ReadonlyArray<{ action: StoreRecordEvent['action']; id: string; data: Record<string, unknown> }>,
    stored: ReadonlyMap<string, MirroredRecordState>,
  ): Array<AppliedChange<T>> {
    const connectionId = view.connection.id;
    const selection = kind.selection(view.connection);
    const states = new Map<string, RecordState<T>>();
    for (const { action, id, data } of events) {
      const held = stored.get(id);
      const current: RecordState<T> = states.get(id) ?? (held ? { raw: held.raw ?? {} } : {});
      if (action === 'delete') {
        if (current.raw === undefined) {
          this.logger.log(
            `Store deleted ${kind.name} record ${id} of connection ${connectionId}, which the mirror does not hold`,
          );
        }
        states.set(id, {});
        continue;
      }
      const merged = { ...current.raw, ...data };
      const normalized = kind.normalize(merged, view.settings);
      if (!normalized.record) {
        // E.g. a partial update of a record mirrored before raw records were kept: the next crawl has it all.
        this.logger.warn(
          `Store ${kind.name} event for ${id} of connection ${connectionId} skipped after merging: ${normalized.skipReason}`,
        );
        states.set(id, current);
        continue;
      }
      const record = normalized.record;
      states.set(id, { raw: merged, made: { record, contentHash: mirroredContentHash(record, selection) } });
    }
    return [...states].flatMap(([id, { raw, made }]): Array<AppliedChange<T>> => {
      const held = stored.get(id);
      if (raw === undefined) {
        // Only a record the mirror held is announced as deleted: one made and deleted within the batch never
        // reached push.
        return held ? [{ id, published: { deletedId: id, key: `${id}:deleted:${held.contentHash}` } }] : [];
      }
      if (!made) {
        return [];
      }
      const written = { ...made, raw };
      if (held?.contentHash === made.contentHash) {
        return [{ id, written }];
      }
      // A record left out is announced as deleted, as a crawl does (StoreSyncService.writePage).
      const key = `${made.record.id}:${made.contentHash}`;
      const published = selection.leftOut(made.record)
        ? { deletedId: made.record.id, key }
        : { upsert: made.record, key };
      return [{ id, written, published }];
    });
  }

  /**
   * The changes in messages of at most RECORDS_PER_MESSAGE, each under an id naming the webhooks it comes from
   * (`batch`: their first stream sequence and how many) and the chunk, so the same batch redelivered is dropped by
   * the bus. Never an id made of the content alone: a record changed back (A, B, then A again within the bus's
   * duplicate window) would be dropped, and ShopiMind would keep B.
   */
  private async publish<T extends { id: string }>(
    connectionId: string,
    kind: SyncedRecordKind<T>,
    changes: ReadonlyArray<AppliedChange<T>>,
    batch: string,
  ): Promise<void> {
    const published = changes.flatMap(({ published }) => (published ? [published] : []));
    for (let start = 0; start < published.length; start += RECORDS_PER_MESSAGE) {
      const chunk = published.slice(start, start + RECORDS_PER_MESSAGE);
      const keys = chunk.map(({ key }) => key);
      const idPart = keys.length === 1 ? keys[0] : hash('sha256', keys.join('\n'), 'hex');
      await kind.publishChange(
        {
          connectionId,
          syncRunId: null,
          page: 0,
          records: chunk.flatMap(({ upsert }) => (upsert ? [upsert] : [])),
          deletedIds: chunk.flatMap(({ deletedId }) => (deletedId === undefined ? [] : [deletedId])),
        },
        `webhook:${connectionId}:${kind.name}:${batch}:${idPart}`,
      );
    }
  }
}
