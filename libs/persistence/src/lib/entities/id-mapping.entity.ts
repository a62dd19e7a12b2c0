import { Column, Entity, PrimaryColumn, Unique } from 'typeorm';
import { bigintToNumber } from './column-transformers';

/**
 * Stable numeric id per installation for a store's string id: ShopiMind's SDK wants numeric ids while stores
 * use strings like `prod_123` (shopimind.md §9). No foreign key to the installation: installations are never
 * deleted. Uninstall keeps the mappings (no secret in them): a reinstall of the shop takes the installation row
 * up again, so its records get the numbers ShopiMind already holds them under.
 */
@Entity({ name: 'id_mappings' })
// Two store ids never share a ShopiMind record. Led by the numeric id, so that it never competes with the primary
// key for looking up a store id (see the migration IdMappingsNumericIdFirst).
@Unique('UQ_id_mappings_numeric_id', ['numericId', 'installationId', 'entityType'])
export class IdMappingEntity {
  @PrimaryColumn({ name: 'installation_id', type: 'uuid', primaryKeyConstraintName: 'PK_id_mappings' })
  installationId!: string;

  /** e.g. `product`, `order`, `customer`, `category`. */
  @PrimaryColumn({ name: 'entity_type', type: 'text', primaryKeyConstraintName: 'PK_id_mappings' })
  entityType!: string;

  @PrimaryColumn({ name: 'store_id', type: 'text', primaryKeyConstraintName: 'PK_id_mappings' })
  storeId!: string;

  /**
   * Derived from the installation, entity type and store id (IdMappingRepository), so that a mapping lost with
   * its commit comes back under the same number; mappings older than that keep their sequence numbers.
   */
  @Column({ name: 'numeric_id', type: 'bigint', transformer: bigintToNumber })
  numericId!: number;
}
