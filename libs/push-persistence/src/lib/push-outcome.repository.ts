import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import {
  PushOutcomeEntity,
  type DerivedKind,
  type DerivedReferences,
  type LedgerEntity,
  type PushOutcomeStatus,
  type RecordKind,
} from '@storebridge/persistence';

/** ShopiMind's answer for one record of a write. */
export interface PushOutcomeInput {
  storeId: string;
  contentHash: string;
  status: PushOutcomeStatus;
  /** The API's reasons, for a rejection. */
  reasons?: readonly string[];
  /** The normalized record as sent, kept for a rejection (replay). */
  record?: object;
  /** The derived records this version points at (what keeps them in ShopiMind after a complete crawl). */
  refs?: DerivedReferences;
}

/** The first retry of a refused delete waits this long; each refusal doubles it, up to PENDING_DELETE_MAX_WAIT. */
export const PENDING_DELETE_FIRST_WAIT = '1 minute';
export const PENDING_DELETE_MAX_WAIT = '1 day';
/** Most pending deletes one retry takes: a few delete calls. */
export const PENDING_DELETES_PER_RETRY = 500;

/** Where sync mirrors each record kind: a record the store lists again is no longer to delete. */
const MIRRORS: Readonly<Record<RecordKind, { table: string; idColumn: string }>> = {
  products: { table: 'store_products', idColumn: 'store_product_id' },
  orders: { table: 'store_orders', idColumn: 'store_order_id' },
};

// A batch's answers in one statement. A rejection counts the rejections in a row and keeps the record; an
// acceptance forgets both.
const RECORD_OUTCOMES = `
  INSERT INTO "push_outcomes"
    ("connection_id", "entity", "store_id", "content_hash", "status", "reasons", "attempts", "record", "refs", "updated_at")
  SELECT $1::uuid, $2::text, o.store_id, o.content_hash, o.status, o.reasons,
    CASE WHEN o.status = 'rejected' THEN 1 ELSE 0 END,
    CASE WHEN o.status = 'rejected' THEN o.record END, o.refs, now()
  FROM jsonb_to_recordset($3::jsonb)
    AS o(store_id text, content_hash text, status text, reasons jsonb, record jsonb, refs jsonb)
  ON CONFLICT ("connection_id", "entity", "store_id") DO UPDATE SET
    "content_hash" = EXCLUDED."content_hash",
    "status" = EXCLUDED."status",
    "reasons" = EXCLUDED."reasons",
    "attempts" = CASE WHEN EXCLUDED."status" = 'rejected' THEN "push_outcomes"."attempts" + 1 ELSE 0 END,
    "record" = EXCLUDED."record",
    "refs" = EXCLUDED."refs",
    "updated_at" = EXCLUDED."updated_at"`;

// A refused delete: counted in a row, whatever the row said before (a new row has no version: empty hash).
const MARK_DELETE_PENDING = `
  INSERT INTO "push_outcomes"
    ("connection_id", "entity", "store_id", "content_hash", "status", "reasons", "attempts", "record", "updated_at")
  SELECT $1::uuid, $2::text, ids.store_id, '', 'delete_pending', $4::jsonb, 1, NULL, now()
  FROM unnest($3::text[]) AS ids(store_id)
  ON CONFLICT ("connection_id", "entity", "store_id") DO UPDATE SET
    "status" = 'delete_pending',
    "reasons" = EXCLUDED."reasons",
    "attempts" = CASE WHEN "push_outcomes"."status" = 'delete_pending' THEN "push_outcomes"."attempts" + 1 ELSE 1 END,
    "record" = NULL,
    "updated_at" = EXCLUDED."updated_at"`;

// Derived records ShopiMind accepted: what a complete crawl may find unreferenced later. Their content hash is
// empty when not known (reference rows).
const RECORD_DERIVED = `
  INSERT INTO "push_outcomes"
    ("connection_id", "entity", "store_id", "content_hash", "status", "reasons", "attempts", "record", "updated_at")
  SELECT $1::uuid, $2::text, ids.store_id, ids.content_hash, 'accepted', '[]'::jsonb, 0, NULL, now()
  FROM unnest($3::text[], $4::text[]) AS ids(store_id, content_hash)
  ON CONFLICT ("connection_id", "entity", "store_id") DO UPDATE SET
    "content_hash" = EXCLUDED."content_hash", "status" = 'accepted', "reasons" = '[]'::jsonb, "attempts" = 0,
    "updated_at" = EXCLUDED."updated_at"`;

// Through the primary key, one probe per record. An empty hash is an unknown content (derived rows kept without
// one). A configuration change (language, currency, ...) changes what a record becomes for ShopiMind without
// changing its content hash: an acceptance before it vouches for nothing.
const FIND_ACCEPTED_UNCHANGED = `
  SELECT outcome.store_id, outcome.updated_at
  FROM unnest($3::text[], $4::text[]) AS sent(store_id, content_hash)
  JOIN "push_outcomes" AS outcome
    ON outcome.connection_id = $1 AND outcome.entity = $2 AND outcome.store_id = sent.store_id
  JOIN "store_connections" AS connection ON connection.id = outcome.connection_id
  WHERE outcome.status = 'accepted' AND outcome.content_hash = sent.content_hash AND outcome.content_hash <> ''
    AND outcome.updated_at > connection.updated_at`;

/**
 * The push ledger: ShopiMind's answer per record, dead letters included (shopimind.md §9 "Errors"). Its listings
 * (dead letters, summary) are read through `PushLedgerReader` (`@storebridge/persistence`), which the gateway shares.
 */
@Injectable()
export class PushOutcomeRepository {
  constructor(
    @InjectRepository(PushOutcomeEntity) private readonly repository: Repository<PushOutcomeEntity>,
  ) {}

  /** Records the answers of one write; the last answer of a repeated id wins. */
  async record(
    connectionId: string,
    entity: RecordKind,
    outcomes: readonly PushOutcomeInput[],
  ): Promise<void> {
    if (outcomes.length === 0) {
      return;
    }
    const latest = new Map(outcomes.map((outcome) => [outcome.storeId, outcome]));
    const rows = [...latest.values()]
      // Key order, so concurrent writers of overlapping batches lock rows alike.
      .sort((a, b) => (a.storeId < b.storeId ? -1 : 1))
      .map((outcome) => ({
        store_id: outcome.storeId,
        content_hash: outcome.contentHash,
        status: outcome.status,
        reasons: outcome.reasons ?? [],
        record: outcome.record ?? null,
        refs: outcome.refs ?? null,
      }));
    await this.repository.query(RECORD_OUTCOMES, [connectionId, entity, JSON.stringify(rows)]);
  }

  /** A deleted record has nothing left to answer for. */
  async forget(connectionId: string, entity: LedgerEntity, storeIds: readonly string[]): Promise<void> {
    if (storeIds.length > 0) {
      await this.repository.query(
        `DELETE FROM "push_outcomes" WHERE connection_id = $1 AND entity = $2 AND store_id = ANY($3::text[])`,
        [connectionId, entity, [...new Set(storeIds)]],
      );
    }
  }

  /**
   * Which of `records` ShopiMind accepted in this very content since the connection's configuration last changed,
   * with when (one statement): writing them again would change nothing.
   */
  async findAcceptedUnchanged(
    connectionId: string,
    entity: RecordKind | DerivedKind,
    records: ReadonlyArray<{ storeId: string; contentHash: string }>,
  ): Promise<Map<string, Date>> {
    if (records.length === 0) {
      return new Map();
    }
    const rows: Array<{ store_id: string; updated_at: Date }> = await this.repository.query(
      FIND_ACCEPTED_UNCHANGED,
      [
        connectionId,
        entity,
        records.map((record) => record.storeId),
        records.map((record) => record.contentHash),
      ],
    );
    return new Map(rows.map((row) => [row.store_id, new Date(row.updated_at)]));
  }

  findOne(connectionId: string, entity: RecordKind, storeId: string): Promise<PushOutcomeEntity | null> {
    return this.repository.findOneBy({ connectionId, entity, storeId });
  }

  /** Deletes ShopiMind refused: kept, with its reason, until a retry is accepted (findDueDeletes). */
  async markDeletePending(
    connectionId: string,
    entity: LedgerEntity,
    storeIds: readonly string[],
    reason: string,
  ): Promise<void> {
    if (storeIds.length > 0) {
      const ids = [...new Set(storeIds)].sort();
      await this.repository.query(MARK_DELETE_PENDING, [connectionId, entity, ids, JSON.stringify([reason])]);
    }
  }

  /**
   * The pending deletes of `entities` due again at `now`, oldest first, in one statement: each refusal in a row
   * doubles the wait. A record the store lists again (sync's mirror holds it) is left alone: its next push is
   * accepted and ends the pending delete.
   */
  async findDueDeletes(
    connectionId: string,
    entities: readonly LedgerEntity[],
    now: Date = new Date(),
  ): Promise<Map<LedgerEntity, string[]>> {
    const due = new Map<LedgerEntity, string[]>(entities.map((entity) => [entity, []]));
    if (entities.length === 0) {
      return due;
    }
    const relisted = Object.entries(MIRRORS)
      .map(
        ([entity, mirror]) => `AND NOT (outcome.entity = '${entity}' AND EXISTS (
           SELECT 1 FROM "${mirror.table}" AS mirror
           WHERE mirror.connection_id = outcome.connection_id AND mirror."${mirror.idColumn}" = outcome.store_id))`,
      )
      .join('\n');
    const rows: Array<{ entity: LedgerEntity; store_id: string }> = await this.repository.query(
      `SELECT outcome.entity, outcome.store_id FROM "push_outcomes" AS outcome
       WHERE outcome.connection_id = $1 AND outcome.entity = ANY($2::text[]) AND outcome.status = 'delete_pending'
         AND outcome.updated_at + least(
           interval '${PENDING_DELETE_FIRST_WAIT}' * power(2, least(outcome.attempts, 30) - 1),
           interval '${PENDING_DELETE_MAX_WAIT}') <= $3
         ${relisted}
       ORDER BY outcome.updated_at, outcome.store_id
       LIMIT ${PENDING_DELETES_PER_RETRY}`,
      [connectionId, [...entities], now],
    );
    rows.forEach((row) => due.get(row.entity)?.push(row.store_id));
    return due;
  }

  /** The store ids (ShopiMind ids for derived kinds) of one kind ShopiMind accepted for the connection. */
  async findAcceptedIds(connectionId: string, entity: LedgerEntity): Promise<string[]> {
    const rows = await this.repository.find({
      select: { storeId: true },
      where: { connectionId, entity: entity as RecordKind, status: 'accepted' },
      order: { storeId: 'ASC' },
    });
    return rows.map((row) => row.storeId);
  }

  /**
   * Derived records ShopiMind accepted (their ShopiMind ids), with the content hash of each when known: a complete
   * crawl may find them unreferenced later.
   */
  async recordDerived(
    connectionId: string,
    kind: DerivedKind,
    ids: readonly string[],
    contentHashes: ReadonlyMap<string, string> = new Map(),
  ): Promise<void> {
    if (ids.length > 0) {
      // Key order, so concurrent writers lock rows alike.
      const sorted = [...new Set(ids)].sort();
      await this.repository.query(RECORD_DERIVED, [
        connectionId,
        kind,
        sorted,
        sorted.map((id) => contentHashes.get(id) ?? ''),
      ]);
    }
  }
}
