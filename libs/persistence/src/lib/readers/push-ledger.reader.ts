import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { PushOutcomeEntity, type RecordKind } from '../entities';

/** Where every record sync emitted for one connection and entity stands with ShopiMind. */
export interface PushStatusSummary {
  accepted: number;
  rejected: number;
  /** Emitted (in the sync mirror) but not answered for in its current version yet. */
  pending: number;
}

export interface DeadLetterFilter {
  connectionId?: string;
  entity?: RecordKind;
  /** Default 100. */
  limit?: number;
}

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
    const [row]: Array<{ accepted: string; rejected: string; pending: string }> = await this.repository.query(
      `SELECT
         count(*) FILTER (WHERE outcome.status = 'accepted') AS accepted,
         count(*) FILTER (WHERE outcome.status = 'rejected') AS rejected,
         count(*) FILTER (WHERE outcome.status IS NULL) AS pending
       FROM "${mirror.table}" AS mirror
       LEFT JOIN "push_outcomes" AS outcome
         ON outcome.connection_id = mirror.connection_id AND outcome.entity = $2
        AND outcome.store_id = mirror."${mirror.idColumn}" AND outcome.content_hash = mirror.content_hash
       WHERE mirror.connection_id = $1`,
      [connectionId, entity],
    );
    return { accepted: Number(row.accepted), rejected: Number(row.rejected), pending: Number(row.pending) };
  }
}
