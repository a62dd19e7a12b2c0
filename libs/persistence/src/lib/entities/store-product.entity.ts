import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
  ValueTransformer,
} from 'typeorm';
import { StoreConnectionEntity } from './store-connection.entity';

/** `numeric` arrives as a string from `pg` and PGlite (exact decimal); prices fit a JS number. */
const numericToNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

/**
 * The last synced state of one store product, kept so the gateway can answer widget requests (product image,
 * product picker) without calling the store. Rows go with their connection (uninstall keeps nothing).
 */
@Entity({ name: 'store_products' })
@Index('IDX_store_products_connection_id_name', ['connectionId', 'name'])
export class StoreProductEntity {
  @PrimaryColumn({ name: 'connection_id', type: 'uuid', primaryKeyConstraintName: 'PK_store_products' })
  connectionId!: string;

  @ManyToOne(() => StoreConnectionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id', foreignKeyConstraintName: 'FK_store_products_connection_id' })
  connection?: StoreConnectionEntity;

  /** The store's own id (`prod_123`), never parsed. */
  @PrimaryColumn({ name: 'store_product_id', type: 'text', primaryKeyConstraintName: 'PK_store_products' })
  storeProductId!: string;

  @Column({ name: 'name', type: 'text' })
  name!: string;

  @Column({ name: 'price', type: 'numeric', nullable: true, transformer: numericToNumber })
  price!: number | null;

  @Column({ name: 'regular_price', type: 'numeric', nullable: true, transformer: numericToNumber })
  regularPrice!: number | null;

  /** The product's main image, an absolute http(s) URL. */
  @Column({ name: 'image_url', type: 'text', nullable: true })
  imageUrl!: string | null;

  @Column({ name: 'url', type: 'text' })
  url!: string;

  @Column({ name: 'categories', type: 'jsonb' })
  categories!: string[];

  /** sha256 of the normalized product as synced: tells a changed product from an unchanged one. */
  @Column({ name: 'content_hash', type: 'text' })
  contentHash!: string;

  /**
   * The store's record as last received (crawl or webhook), so a partial webhook update can be merged into it.
   * Null for rows written before this column existed, until the product changes.
   */
  @Column({ name: 'raw', type: 'jsonb', nullable: true })
  raw!: Record<string, unknown> | null;

  /** The earlier complete crawl that held this record's deletion (an unusual share went missing); null if none. */
  @Column({ name: 'deletion_held_by_run', type: 'uuid', nullable: true })
  deletionHeldByRun!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
