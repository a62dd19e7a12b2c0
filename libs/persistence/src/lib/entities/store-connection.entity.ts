import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { InstallationEntity } from './installation.entity';

export const STORE_AUTH_METHODS = ['api_key', 'bearer', 'basic'] as const;
export type StoreAuthMethod = (typeof STORE_AUTH_METHODS)[number];

export interface StoreConnectionPaths {
  health: string;
  products: string;
  orders: string;
}

/** Per entity: our normalized field name → the store's field name. */
export interface StoreFieldMappings {
  products: Record<string, string>;
  orders: Record<string, string>;
}

/** How we reach one merchant's store (generic-api.md §1); one per installation. */
@Entity({ name: 'store_connections' })
@Unique('UQ_store_connections_installation_id', ['installationId'])
@Unique('UQ_store_connections_store_token', ['storeToken'])
@Check('CHK_store_connections_auth_method', `"auth_method" IN ('api_key', 'bearer', 'basic')`)
@Check('CHK_store_connections_per_page', `"per_page" BETWEEN 1 AND 100`)
export class StoreConnectionEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'PK_store_connections' })
  id!: string;

  @Column({ name: 'installation_id', type: 'uuid' })
  installationId!: string;

  // Many-to-one plus a named unique constraint: the same table shape as one-to-one, with a readable constraint name.
  @ManyToOne(() => InstallationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'installation_id', foreignKeyConstraintName: 'FK_store_connections_installation_id' })
  installation?: InstallationEntity;

  @Column({ name: 'base_url', type: 'text' })
  baseUrl!: string;

  @Column({ name: 'auth_method', type: 'text' })
  authMethod!: StoreAuthMethod;

  @Column({ name: 'credentials_ciphertext', type: 'text' })
  credentialsCiphertext!: string;

  @Column({ name: 'paths', type: 'jsonb' })
  paths!: StoreConnectionPaths;

  @Column({ name: 'field_mappings', type: 'jsonb' })
  fieldMappings!: StoreFieldMappings;

  @Column({ name: 'lang', type: 'text' })
  lang!: string;

  @Column({ name: 'currency', type: 'text' })
  currency!: string;

  @Column({ name: 'sync_interval_minutes', type: 'integer' })
  syncIntervalMinutes!: number;

  /** Records asked per page of the store crawl (`per_page`, generic-api.md §3: 1..100, default 50). */
  @Column({ name: 'per_page', type: 'integer', default: 50 })
  perPage!: number;

  /**
   * The merchant's "Categories to leave out", as they typed them: products in any of them stay out of ShopiMind.
   * Optional in the type only (the column defaults to none): code building connections can leave it out.
   */
  @Column({ name: 'excluded_categories', type: 'jsonb', default: () => `'[]'` })
  excludedCategories?: string[];

  @Column({ name: 'webhook_secret_ciphertext', type: 'text', nullable: true })
  webhookSecretCiphertext!: string | null;

  /** Keyed hash of the whole configuration (credentials included): unchanged means nothing to re-sync. */
  @Column({ name: 'config_fingerprint', type: 'text', nullable: true })
  configFingerprint!: string | null;

  /**
   * The `configFingerprint` sync last published every record under (a crawl that succeeded): until it is the
   * current one, each crawl publishes every record again, changed or not. Optional in the type only, like
   * `nextSyncAt`: it belongs to sync.
   */
  @Column({ name: 'republished_fingerprint', type: 'text', nullable: true })
  republishedFingerprint?: string | null;

  /**
   * The language ShopiMind holds this connection's products and categories in; when it is not `lang` any more, push
   * deletes them (a delete takes every language) before writing in the new one. Optional in the type only: it
   * belongs to push. Null: nothing to replace.
   */
  @Column({ name: 'shopimind_lang', type: 'text', nullable: true })
  shopimindLang?: string | null;

  /**
   * When the next scheduled sync is due; NULL until the scheduler first sees the connection. Optional in the
   * type only: it belongs to the scheduler, so code building connections (fakes included) can leave it out.
   */
  @Index('IDX_store_connections_next_sync_at')
  @Column({ name: 'next_sync_at', type: 'timestamptz', nullable: true })
  nextSyncAt?: Date | null;

  /** Unguessable id used in the store's webhook URLs. */
  @Column({ name: 'store_token', type: 'text' })
  storeToken!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
