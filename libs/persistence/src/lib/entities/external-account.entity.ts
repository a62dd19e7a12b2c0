import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { StoreAuthMethod } from './store-connection.entity';

/**
 * A store a merchant connected on our Type B consent page (shopimind.md §8). ShopiMind later sends its id in
 * `install` as `external_account_id`; the installation's store connection can then start from it.
 */
@Entity({ name: 'external_accounts' })
@Check('CHK_external_accounts_auth_method', `"auth_method" IN ('api_key', 'bearer', 'basic')`)
export class ExternalAccountEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'PK_external_accounts' })
  id!: string;

  /** Sent back to ShopiMind as `external_account_name`. */
  @Column({ name: 'name', type: 'text' })
  name!: string;

  @Column({ name: 'base_url', type: 'text' })
  baseUrl!: string;

  @Column({ name: 'auth_method', type: 'text' })
  authMethod!: StoreAuthMethod;

  /** Same format as `store_connections.credentials_ciphertext`; encrypted before it gets here. */
  @Column({ name: 'credentials_ciphertext', type: 'text' })
  credentialsCiphertext!: string;

  /** ShopiMind's key of the installation that claimed it at install; null until one did. */
  @Column({ name: 'installation_key', type: 'text', nullable: true })
  installationKey!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
