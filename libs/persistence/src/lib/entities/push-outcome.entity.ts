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
import type { RecordKind } from './sync-run.entity';

export const PUSH_OUTCOME_STATUSES = ['accepted', 'rejected'] as const;
export type PushOutcomeStatus = (typeof PUSH_OUTCOME_STATUSES)[number];

/**
 * ShopiMind's answer for the last version of one record push sent. A rejected one is a dead letter: it keeps the
 * record, the API's reasons and how many times in a row it was rejected, until a replay or a new version of the
 * record is accepted.
 */
@Entity({ name: 'push_outcomes' })
@Index('IDX_push_outcomes_rejected', ['connectionId', 'entity'], { where: `"status" = 'rejected'` })
@Check('CHK_push_outcomes_entity', `"entity" IN ('products', 'orders')`)
@Check('CHK_push_outcomes_status', `"status" IN ('accepted', 'rejected')`)
export class PushOutcomeEntity {
  @PrimaryColumn({ name: 'connection_id', type: 'uuid', primaryKeyConstraintName: 'PK_push_outcomes' })
  connectionId!: string;

  @ManyToOne(() => StoreConnectionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id', foreignKeyConstraintName: 'FK_push_outcomes_connection_id' })
  connection?: StoreConnectionEntity;

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

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
