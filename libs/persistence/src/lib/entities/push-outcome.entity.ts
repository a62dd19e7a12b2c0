import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { StoreConnectionEntity } from './store-connection.entity';
import { RECORD_KINDS, type RecordKind } from './sync-run.entity';

/** `delete_pending`: ShopiMind refused the record's delete; it is kept and tried again (PushOutcomeRepository). */
export const PUSH_OUTCOME_STATUSES = ['accepted', 'rejected', 'delete_pending'] as const;
export type PushOutcomeStatus = (typeof PUSH_OUTCOME_STATUSES)[number];

/**
 * What push writes to ShopiMind because records point at it, not because the store lists it: product categories
 * (from products' category names), order statuses and customers (from orders). Their ledger rows have the
 * ShopiMind id as `store_id`.
 */
export const DERIVED_KINDS = ['categories', 'order_statuses', 'customers'] as const;
export type DerivedKind = (typeof DERIVED_KINDS)[number];

/** Every kind the ledger keeps rows of. */
export const LEDGER_ENTITIES = [...RECORD_KINDS, ...DERIVED_KINDS] as const;
export type LedgerEntity = (typeof LEDGER_ENTITIES)[number];

/** The record kind whose records point at each derived kind. */
export const DERIVED_FROM: Readonly<Record<DerivedKind, RecordKind>> = {
  categories: 'products',
  order_statuses: 'orders',
  customers: 'orders',
};

/** The derived records one version of a record points at, by kind (ShopiMind ids, as text). */
export type DerivedReferences = Partial<Record<DerivedKind, string[]>>;

/**
 * ShopiMind's answer for the last version of one record push sent. A rejected one is a dead letter: it keeps the
 * record, the API's reasons and how many times in a row it was rejected, until a replay or a new version of the
 * record is accepted. A refused delete stays as `delete_pending` with its reasons until a retry is accepted.
 */
@Entity({ name: 'push_outcomes' })
@Index('IDX_push_outcomes_rejected', ['connectionId', 'entity'], { where: `"status" = 'rejected'` })
@Index('IDX_push_outcomes_delete_pending', ['connectionId', 'entity'], {
  where: `"status" = 'delete_pending'`,
})
@Check(
  'CHK_push_outcomes_entity',
  `"entity" IN ('products', 'orders', 'categories', 'order_statuses', 'customers')`,
)
@Check('CHK_push_outcomes_status', `"status" IN ('accepted', 'rejected', 'delete_pending')`)
export class PushOutcomeEntity {
  @PrimaryColumn({ name: 'connection_id', type: 'uuid', primaryKeyConstraintName: 'PK_push_outcomes' })
  connectionId!: string;

  @ManyToOne(() => StoreConnectionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id', foreignKeyConstraintName: 'FK_push_outcomes_connection_id' })
  connection?: StoreConnectionEntity;

  /**
   * A record kind for every row read through this class: derived records' rows (DERIVED_KINDS) are read only by
   * statements that name their kind (PushOutcomeRepository, PushLedgerReader.findUnreferenced), and are never
   * rejected, so the dead-letter listings never meet one.
   */
  @PrimaryColumn({ name: 'entity', type: 'text', primaryKeyConstraintName: 'PK_push_outcomes' })
  entity!: RecordKind;

  /** The store's id of the record. */
  @PrimaryColumn({ name: 'store_id', type: 'text', primaryKeyConstraintName: 'PK_push_outcomes' })
  storeId!: string;

  /** The version of the record this answer is about (the sync mirror's content hash of it). */
  @Column({ name: 'content_hash', type: 'text' })
  contentHash!: string;

  @Column({ name: 'status', type: 'text' })
  status!: PushOutcomeStatus;

  /** The API's reasons of a rejection, empty when accepted. */
  @Column({ name: 'reasons', type: 'jsonb', default: () => `'[]'` })
  reasons!: string[];

  /** Rejections in a row of this record; 0 once accepted. */
  @Column({ name: 'attempts', type: 'integer', default: 0 })
  attempts!: number;

  /** The normalized record as sent, kept while rejected (for a replay), null once accepted. */
  @Column({ name: 'record', type: 'jsonb', nullable: true })
  record!: Record<string, unknown> | null;

  /** The derived records this version of the record points at; null for rows older than this column. */
  @Column({ name: 'refs', type: 'jsonb', nullable: true })
  refs?: DerivedReferences | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
