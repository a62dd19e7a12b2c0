import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { StoreConnectionEntity } from './store-connection.entity';

/**
 * The last synced state of one store order: its content hash (change detection) and the store's record (merging
 * partial webhook updates). Nothing else: unlike products, no widget ever shows an order.
 */
@Entity({ name: 'store_orders' })
export class StoreOrderEntity {
  @PrimaryColumn({ name: 'connection_id', type: 'uuid', primaryKeyConstraintName: 'PK_store_orders' })
  connectionId!: string;

  @ManyToOne(() => StoreConnectionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id', foreignKeyConstraintName: 'FK_store_orders_connection_id' })
  connection?: StoreConnectionEntity;

  /** The store's own id, never parsed. */
  @PrimaryColumn({ name: 'store_order_id', type: 'text', primaryKeyConstraintName: 'PK_store_orders' })
  storeOrderId!: string;

  /** sha256 of the normalized order as synced. */
  @Column({ name: 'content_hash', type: 'text' })
  contentHash!: string;

  /** The store's record as last received (crawl or webhook). */
  @Column({ name: 'raw', type: 'jsonb', nullable: true })
  raw!: Record<string, unknown> | null;

  /** The earlier complete crawl that held this record's deletion (an unusual share went missing); null if none. */
  @Column({ name: 'deletion_held_by_run', type: 'uuid', nullable: true })
  deletionHeldByRun!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
