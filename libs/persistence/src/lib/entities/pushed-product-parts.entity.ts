import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { StoreConnectionEntity } from './store-connection.entity';

/**
 * The variations and images ShopiMind holds of one product because push sent them, by their ShopiMind ids, so
 * that those the store no longer lists are deleted there. Written once ShopiMind has answered, so a crash before
 * leaves the previous row and the next push does it all again. Rows go with their connection.
 */
@Entity({ name: 'pushed_product_parts' })
export class PushedProductPartsEntity {
  @PrimaryColumn({ name: 'connection_id', type: 'uuid', primaryKeyConstraintName: 'PK_pushed_product_parts' })
  connectionId!: string;

  @ManyToOne(() => StoreConnectionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id', foreignKeyConstraintName: 'FK_pushed_product_parts_connection_id' })
  connection?: StoreConnectionEntity;

  /** The store's product id. */
  @PrimaryColumn({
    name: 'store_product_id',
    type: 'text',
    primaryKeyConstraintName: 'PK_pushed_product_parts',
  })
  storeProductId!: string;

  /** ShopiMind variation ids (numbers, as text). */
  @Column({ name: 'variation_ids', type: 'text', array: true })
  variationIds!: string[];

  /** ShopiMind image ids, in the order sent: the first is the default image. */
  @Column({ name: 'image_ids', type: 'text', array: true })
  imageIds!: string[];

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
