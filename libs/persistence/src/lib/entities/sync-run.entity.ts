import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { StoreConnectionEntity } from './store-connection.entity';

export const SYNC_RUN_STATUSES = ['running', 'succeeded', 'failed'] as const;
export type SyncRunStatus = (typeof SYNC_RUN_STATUSES)[number];

export const RECORD_KINDS = ['products', 'orders'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** Warning counts by kind, e.g. `{ "missing_price": 3 }`. */
export type SyncWarningCounts = Record<string, number>;

/** Milliseconds spent by step over the whole run, e.g. `{ "fetchMs": 820, "publishMs": 95 }`. */
export type SyncRunTimings = Record<string, number>;

/** A store record the crawl skipped, where it was (generic-api.md §4). */
export interface SkippedStoreRecord {
  page: number;
  /** Position in the page, from 0. */
  index: number;
  reason: string;
  /** The record's id when it had one (a product without a name). */
  id?: string;
}

/** A run keeps the first skipped records with their place; `recordsSkipped` counts them all. */
export const MAX_SKIPPED_RECORDS_KEPT = 100;

/**
 * One crawl of one entity of one store (generic-api.md §3, §8). It records its progress page by page so a
 * restarted worker resumes at `nextPage`; at most one run per connection and entity is `running` at a time.
 */
@Entity({ name: 'sync_runs' })
@Index('UQ_sync_runs_running_connection_entity', ['connectionId', 'entity'], {
  unique: true,
  where: `"status" = 'running'`,
})
@Index('IDX_sync_runs_connection_id_started_at', ['connectionId', 'startedAt'])
@Check('CHK_sync_runs_status', `"status" IN ('running', 'succeeded', 'failed')`)
@Check('CHK_sync_runs_entity', `"entity" IN ('products', 'orders')`)
export class SyncRunEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'PK_sync_runs' })
  id!: string;

  @Column({ name: 'connection_id', type: 'uuid' })
  connectionId!: string;

  @ManyToOne(() => StoreConnectionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id', foreignKeyConstraintName: 'FK_sync_runs_connection_id' })
  connection?: StoreConnectionEntity;

  /** What started the run (e.g. `activate`, `schedule`, `webhook`, `manual`). */
  @Column({ name: 'trigger', type: 'text' })
  trigger!: string;

  @Column({ name: 'status', type: 'text' })
  status!: SyncRunStatus;

  @Column({ name: 'entity', type: 'text' })
  entity!: RecordKind;

  @Column({ name: 'next_page', type: 'integer', default: 1 })
  nextPage!: number;

  @Column({ name: 'pages_fetched', type: 'integer', default: 0 })
  pagesFetched!: number;

  @Column({ name: 'records_seen', type: 'integer', default: 0 })
  recordsSeen!: number;

  @Column({ name: 'records_valid', type: 'integer', default: 0 })
  recordsValid!: number;

  @Column({ name: 'records_skipped', type: 'integer', default: 0 })
  recordsSkipped!: number;

  @Column({ name: 'records_changed', type: 'integer', default: 0 })
  recordsChanged!: number;

  @Column({ name: 'records_deleted', type: 'integer', default: 0 })
  recordsDeleted!: number;

  @Column({ name: 'warnings', type: 'jsonb', default: () => `'{}'` })
  warnings!: SyncWarningCounts;

  @Column({ name: 'timings', type: 'jsonb', default: () => `'{}'` })
  timings!: SyncRunTimings;

  /** The stop rule that ended the crawl (`short_page`, `last_page`, `empty_page`, `repeated_page`). */
  @Column({ name: 'stop_reason', type: 'text', nullable: true })
  stopReason!: string | null;

  /** Whether that rule proved the store had nothing more; only then were deletions computed. */
  @Column({ name: 'end_confirmed', type: 'boolean', nullable: true })
  endConfirmed!: boolean | null;

  /** Deletions this run held instead of executing: an unusual share of the catalogue went missing. */
  @Column({ name: 'deletions_held', type: 'integer', default: 0 })
  deletionsHeld!: number;

  @Column({ name: 'skipped_records', type: 'jsonb', default: () => `'[]'` })
  skippedRecords!: SkippedStoreRecord[];

  @Column({ name: 'error', type: 'text', nullable: true })
  error!: string | null;

  @CreateDateColumn({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
