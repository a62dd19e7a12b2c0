import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SyncRunEntity } from './sync-run.entity';

/**
 * The store ids one crawled page showed, kept until its run finishes: the deletion pass after a complete crawl
 * removes the mirror rows no page showed, and a page found here again is a redelivered one.
 */
@Entity({ name: 'sync_run_seen_ids' })
export class SyncRunSeenIdsEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid', primaryKeyConstraintName: 'PK_sync_run_seen_ids' })
  runId!: string;

  @ManyToOne(() => SyncRunEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'FK_sync_run_seen_ids_run_id' })
  run?: SyncRunEntity;

  @PrimaryColumn({ name: 'page', type: 'integer', primaryKeyConstraintName: 'PK_sync_run_seen_ids' })
  page!: number;

  @Column({ name: 'ids', type: 'text', array: true })
  ids!: string[];
}
