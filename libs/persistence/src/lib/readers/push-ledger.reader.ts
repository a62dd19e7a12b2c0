import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DERIVED_FROM, PushOutcomeEntity, type DerivedKind, type RecordKind } from '../entities';
import { LEFT_OUT_HASH_SUFFIX } from '../record-content-hash';

/** Where every record sync emitted for one connection and entity stands with ShopiMind. */
export interface PushStatusSummary {
  accepted: number;
  rejected: number;
  /** Emitted (in the sync mirror) but not answered for in its current version yet. */
  pending: number;
  /** In the sync mirror but left out of ShopiMind by the merchant's settings (excluded categories). */
  leftOut: number;
}

export interface DeadLetterFilter {
  connectionId?: string;
  entity?: RecordKind;
  /** Default 100. */
  limit?: number;
}

/**
 * The derived records of one kind nothing the store lists points at any more, or `known: false` while some record
 * the store lists has a ledger row older than references (it must be pushed again before anything is deleted).
 */
export type UnreferencedDerived =
  { known: true; ids: string[] } | { known: false; withoutReferences: number };

/** The sync mirror of each entity, whose content hashes say which version of a record is the current one. */
const MIRRORS: Readonly<Record<RecordKind, { table: string; idColumn: string }>> = {
  products: { table: 'store_products', idColumn: 'store_product_id' },
  orders: { table: 'store_orders', idColumn: 'store_order_id' },
};

/**
 * What push (its dead-letter tools) and the gateway (the admin API) read of the push ledger. Read-only: only push's
 * PushOutcomeRepository (`@storebridge/push-persistence`) writes it.
 */
@Injectable()
export class PushLedgerReader {
  constructor(
    @InjectRepository(PushOutcomeEntity) private readonly repository: Repository<PushOutcomeEntity>,
  ) {}

  /** Dead letters, most recent first. */
  findRejected(filter: DeadLetterFilter = {}): Promise<PushOutcomeEntity[]> {
    return this.repository.find({
      where: {
        status: 'rejected',
        ...(filter.connectionId ? { connectionId: filter.connectionId } : {}),
        ...(filter.entity ? { entity: filter.entity } : {}),
      },
      order: { updatedAt: 'DESC', storeId: 'ASC' },
      take: filter.limit ?? 100,
    });
  }

  /**
   * For every record of the sync mirror of `entity`: accepted or rejected in its current version (same content
   * hash), else pending.
   */
  async summary(connectionId: string, entity: RecordKind): Promise<PushStatusSummary> {
    const mirror = MIRRORS[entity];
    const [row]: Array<{ accepted: string; rejected: string; pending: string; left_out: string }> =
      await this.repository.query(
        `SELECT
         count(*) FILTER (WHERE outcome.status = 'accepted') AS accepted,
         count(*) FILTER (WHERE outcome.status = 'rejected') AS rejected,
         count(*) FILTER (
           WHERE (outcome.status IS NULL OR outcome.status = 'delete_pending') AND NOT mirror.content_hash LIKE $3
         ) AS pending,
         count(*) FILTER (WHERE mirror.content_hash LIKE $3) AS left_out
       FROM "${mirror.table}" AS mirror
       LEFT JOIN "push_outcomes" AS outcome
         ON outcome.connection_id = mirror.connection_id AND outcome.entity = $2
        AND outcome.store_id = mirror."${mirror.idColumn}" AND outcome.content_hash = mirror.content_hash
       WHERE mirror.connection_id = $1`,
        [connectionId, entity, `%${LEFT_OUT_HASH_SUFFIX}`],
      );
    return {
      accepted: Number(row.accepted),
      rejected: Number(row.rejected),
      pending: Number(row.pending),
      leftOut: Number(row.left_out),
    };
  }

  /** Refused deletes still owed to ShopiMind (PushOutcomeRepository retries them), most recent first. */
  findPendingDeletes(filter: DeadLetterFilter = {}): Promise<PushOutcomeEntity[]> {
    return this.repository.find({
      where: {
        status: 'delete_pending',
        ...(filter.connectionId ? { connectionId: filter.connectionId } : {}),
        ...(filter.entity ? { entity: filter.entity } : {}),
      },
      order: { updatedAt: 'DESC', storeId: 'ASC' },
      take: filter.limit ?? 100,
    });
  }

  /**
   * The derived records of `kind` push wrote before `savedBefore` that no record of sync's mirror points at: the
   * references are those the ledger keeps for each mirrored record's last answered version (accepted or rejected: a
   * dead letter still names its customer). A record never answered for points at nothing yet.
   */
  async findUnreferenced(
    connectionId: string,
    kind: DerivedKind,
    savedBefore: Date,
  ): Promise<UnreferencedDerived> {
    const referencing = DERIVED_FROM[kind];
    const mirror = MIRRORS[referencing];
    const [row]: Array<{ without_references: string; ids: string[] | null }> = await this.repository.query(
      `WITH held AS (
         SELECT outcome.refs FROM "push_outcomes" AS outcome
         JOIN "${mirror.table}" AS mirror
           ON mirror.connection_id = outcome.connection_id AND mirror."${mirror.idColumn}" = outcome.store_id
         WHERE outcome.connection_id = $1 AND outcome.entity = $2 AND outcome.status IN ('accepted', 'rejected')
       ), referenced AS (
         SELECT DISTINCT ref FROM held, jsonb_array_elements_text(COALESCE(held.refs -> $3, '[]'::jsonb)) AS ref
       )
       SELECT
         (SELECT count(*) FROM held WHERE held.refs IS NULL) AS without_references,
         (SELECT array_agg(derived.store_id ORDER BY derived.store_id) FROM "push_outcomes" AS derived
           WHERE derived.connection_id = $1 AND derived.entity = $3 AND derived.status = 'accepted'
             AND derived.updated_at < $4 AND derived.store_id NOT IN (SELECT ref FROM referenced)) AS ids`,
      [connectionId, referencing, kind, savedBefore],
    );
    const withoutReferences = Number(row.without_references);
    return withoutReferences > 0 ? { known: false, withoutReferences } : { known: true, ids: row.ids ?? [] };
  }
}
