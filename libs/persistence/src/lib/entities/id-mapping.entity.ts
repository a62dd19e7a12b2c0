import { Column, Entity, Generated, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { bigintToNumber } from './column-transformers';
import { InstallationEntity } from './installation.entity';

/**
 * Stable numeric id per installation for a store's string id: ShopiMind's SDK wants numeric ids while stores
 * use strings like `prod_123` (shopimind.md §9).
 */
@Entity({ name: 'id_mappings' })
@Unique('UQ_id_mappings_installation_entity_store_id', ['installationId', 'entityType', 'storeId'])
export class IdMappingEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'PK_id_mappings' })
  id!: string;

  @Column({ name: 'installation_id', type: 'uuid' })
  installationId!: string;

  @ManyToOne(() => InstallationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'installation_id', foreignKeyConstraintName: 'FK_id_mappings_installation_id' })
  installation?: InstallationEntity;

  /** e.g. `product`, `order`, `customer`, `category`. */
  @Column({ name: 'entity_type', type: 'text' })
  entityType!: string;

  @Column({ name: 'store_id', type: 'text' })
  storeId!: string;

  // A bigserial: the sequence `id_mappings_numeric_id_seq` hands out the numbers.
  @Column({ name: 'numeric_id', type: 'bigint', transformer: bigintToNumber })
  @Generated('increment')
  numericId!: number;
}
