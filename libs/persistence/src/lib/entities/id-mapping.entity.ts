import { Column, Entity, Generated, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from './column-transformers';

/**
 * Stable numeric id per installation for a store's string id: ShopiMind's SDK wants numeric ids while stores
 * use strings like `prod_123` (shopimind.md §9). No foreign key to the installation: installations are never
 * deleted, and uninstall deletes their mappings itself (see the IdMappingsNaturalKey migration).
 */
@Entity({ name: 'id_mappings' })
export class IdMappingEntity {
  @PrimaryColumn({ name: 'installation_id', type: 'uuid', primaryKeyConstraintName: 'PK_id_mappings' })
  installationId!: string;

  /** e.g. `product`, `order`, `customer`, `category`. */
  @PrimaryColumn({ name: 'entity_type', type: 'text', primaryKeyConstraintName: 'PK_id_mappings' })
  entityType!: string;

  @PrimaryColumn({ name: 'store_id', type: 'text', primaryKeyConstraintName: 'PK_id_mappings' })
  storeId!: string;

  // A bigserial: the sequence `id_mappings_numeric_id_seq` hands out the numbers.
  @Column({ name: 'numeric_id', type: 'bigint', transformer: bigintToNumber })
  @Generated('increment')
  numericId!: number;
}
