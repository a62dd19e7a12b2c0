import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';

export const INSTALLATION_STATUSES = ['installed', 'active', 'inactive', 'uninstalled'] as const;
export type InstallationStatus = (typeof INSTALLATION_STATUSES)[number];

/** One ShopiMind installation of the integration (shopimind.md §2, §5). */
@Entity({ name: 'installations' })
@Unique('UQ_installations_installation_id', ['installationId'])
@Check('CHK_installations_status', `"status" IN ('installed', 'active', 'inactive', 'uninstalled')`)
export class InstallationEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'PK_installations' })
  id!: string;

  /** ShopiMind's opaque identity to correlate on; never parsed. */
  @Column({ name: 'installation_id', type: 'text' })
  installationId!: string;

  /** Legacy `id_shop_integration`, only used when an event has no `installation_id`. */
  @Column({ name: 'legacy_shop_integration_id', type: 'text', nullable: true })
  legacyShopIntegrationId!: string | null;

  @Column({ name: 'shop_domain', type: 'text' })
  shopDomain!: string;

  @Column({ name: 'shop_name', type: 'text', nullable: true })
  shopName!: string | null;

  @Column({ name: 'status', type: 'text' })
  status!: InstallationStatus;

  /** Encrypted by the security lib before it gets here; this lib never sees the plaintext token. */
  @Column({ name: 'access_token_ciphertext', type: 'text', nullable: true })
  accessTokenCiphertext!: string | null;

  /** Type B installs: the external account created on our consent page. */
  @Column({ name: 'external_account_id', type: 'text', nullable: true })
  externalAccountId!: string | null;

  /**
   * What tells this installation's ShopiMind data source apart in its label. Set by the migration that made
   * installations survive a reinstall, to the first 8 characters of the connection each had then (their data
   * sources were labelled with it); null: the first 8 characters of `id`. Unlike a connection, it outlives
   * uninstall, so a reinstall finds its data source again. Optional in the type only: code building
   * installations (fakes, seeds) can leave it out.
   */
  @Column({ name: 'data_source_key', type: 'text', nullable: true })
  dataSourceKey?: string | null;

  @Column({ name: 'installed_at', type: 'timestamptz', nullable: true })
  installedAt!: Date | null;

  @Column({ name: 'activated_at', type: 'timestamptz', nullable: true })
  activatedAt!: Date | null;

  @Column({ name: 'deactivated_at', type: 'timestamptz', nullable: true })
  deactivatedAt!: Date | null;

  @Column({ name: 'uninstalled_at', type: 'timestamptz', nullable: true })
  uninstalledAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/**
 * An installation's row as a lifecycle event knows it: the identity and status, and optional fields that keep
 * their stored value (or their column default) when absent.
 */
export type InstallationUpsert = Pick<InstallationEntity, 'installationId' | 'shopDomain' | 'status'> &
  Partial<
    Pick<
      InstallationEntity,
      | 'legacyShopIntegrationId'
      | 'shopName'
      | 'accessTokenCiphertext'
      | 'externalAccountId'
      | 'installedAt'
      | 'activatedAt'
      | 'deactivatedAt'
      | 'uninstalledAt'
    >
  >;
