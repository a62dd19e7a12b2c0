import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { PushOutcomeEntity, type PushOutcomeStatus, type RecordKind } from '@storebridge/persistence';

/** ShopiMind's answer for one record of a write. */
export interface PushOutcomeInput {
  storeId: string;
  contentHash: string;
  status: PushOutcomeStatus;
  /** The API's reasons, for a rejection. */
  reasons?: readonly string[];
  /** The normalized record as sent, kept for a rejection (replay). */
  record?: object;
}

// A batch's answers in one statement. A rejection counts the rejections in a row and keeps the record; an
// acceptance forgets both.
const RECORD_OUTCOMES = `
  INSERT INTO "push_outcomes"
    ("connection_id", "entity", "store_id", "content_hash", "status", "reasons", "attempts", "record", "updated_at")
  SELECT $1::uuid, $2::text, o.store_id, o.content_hash, o.status, o.reasons,
    CASE WHEN o.status = 'rejected' THEN 1 ELSE 0 END,
    CASE WHEN o.status = 'rejected' THEN o.record END, now()
  FROM jsonb_to_recordset($3::jsonb) AS o(store_id text, content_hash text, status text, reasons jsonb, record jsonb)
  ON CONFLICT ("connection_id", "entity", "store_id") DO UPDATE SET
    "content_hash" = EXCLUDED."content_hash",
    "status" = EXCLUDED."status",
    "reasons" = EXCLUDED."reasons",
    "attempts" = CASE WHEN EXCLUDED."status" = 'rejected' THEN "push_outcomes"."attempts" + 1 ELSE 0 END,
    "record" = EXCLUDED."record",
    "updated_at" = EXCLUDED."updated_at"`;

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
      }));
    await this.repository.query(RECORD_OUTCOMES, [connectionId, entity, JSON.stringify(rows)]);
  }

  /** A deleted record has nothing left to answer for. */
  async forget(connectionId: string, entity: RecordKind, storeIds: readonly string[]): Promise<void> {
    if (storeIds.length > 0) {
      await this.repository.query(
        `DELETE FROM "push_outcomes" WHERE connection_id = $1 AND entity = $2 AND store_id = ANY($3::text[])`,
        [connectionId, entity, [...new Set(storeIds)]],
      );
    }
  }

  findOne(connectionId: string, entity: RecordKind, storeId: string): Promise<PushOutcomeEntity | null> {
    return this.repository.findOneBy({ connectionId, entity, storeId });
  }
}
