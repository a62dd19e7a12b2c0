import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { StoreConnectionEntity } from './store-connection.entity';
import type { RecordKind } from './sync-run.entity';

/** A page's counts as the run that normalized it recorded them (see `SyncRunPageProgress`). */
export interface StorePageCounts {
  recordsValid: number;
  recordsSkipped: number;
  warnings: Record<string, number>;
}

/**
 * What the last crawl of one store page produced, so a crawl receiving the same body again can skip normalizing
 * and comparing it (see StoreRecordMirror.recordUnchangedPage). Overwritten by every crawl of the page.
 */
@Entity({ name: 'store_page_fingerprints' })
@Check('CHK_store_page_fingerprints_entity', `"entity" IN ('products', 'orders')`)
export class StorePageFingerprintEntity {
  @PrimaryColumn({
    name: 'connection_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_store_page_fingerprints',
  })
  connectionId!: string;

  @ManyToOne(() => StoreConnectionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id', foreignKeyConstraintName: 'FK_store_page_fingerprints_connection_id' })
  connection?: StoreConnectionEntity;

  @PrimaryColumn({ name: 'entity', type: 'text', primaryKeyConstraintName: 'PK_store_page_fingerprints' })
  entity!: RecordKind;

  @PrimaryColumn({ name: 'page', type: 'integer', primaryKeyConstraintName: 'PK_store_page_fingerprints' })
  page!: number;

  /** sha256 of the page's response body. */
  @Column({ name: 'body_hash', type: 'text' })
  bodyHash!: string;

  /** What normalizing the page depended on besides its body: the normalizer's version and the connection's settings. */
  @Column({ name: 'normalization_key', type: 'text' })
  normalizationKey!: string;

  /** The ids of the page's valid records, each once, in page order. */
  @Column({ name: 'ids', type: 'text', array: true })
  ids!: string[];

  /** md5 of the records' content hashes in `ids` order, comma-separated: what the mirror must hold for them. */
  @Column({ name: 'mirror_digest', type: 'text' })
  mirrorDigest!: string;

  @Column({ name: 'counts', type: 'jsonb' })
  counts!: StorePageCounts;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
