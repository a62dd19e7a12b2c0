import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Installations, store connections, sync runs and id mappings. Plain SQL that PostgreSQL 15 and PGlite both
 * accept: no extension (gen_random_uuid() is core since PostgreSQL 13). Constraint names are spelled out in the
 * entities too, so TypeORM's schema builder sees no drift.
 */
export class InitialSchema1795420800000 implements MigrationInterface {
  name = 'InitialSchema1795420800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "installations" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "installation_id" text NOT NULL,
        "legacy_shop_integration_id" text,
        "shop_domain" text NOT NULL,
        "shop_name" text,
        "status" text NOT NULL,
        "access_token_ciphertext" text,
        "external_account_id" text,
        "installed_at" timestamptz,
        "activated_at" timestamptz,
        "deactivated_at" timestamptz,
        "uninstalled_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_installations" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_installations_installation_id" UNIQUE ("installation_id"),
        CONSTRAINT "CHK_installations_status" CHECK ("status" IN ('installed', 'active', 'inactive', 'uninstalled'))
      )`);

    await queryRunner.query(`
      CREATE TABLE "store_connections" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "installation_id" uuid NOT NULL,
        "base_url" text NOT NULL,
        "auth_method" text NOT NULL,
        "credentials_ciphertext" text NOT NULL,
        "paths" jsonb NOT NULL,
        "field_mappings" jsonb NOT NULL,
        "lang" text NOT NULL,
        "currency" text NOT NULL,
        "sync_interval_minutes" integer NOT NULL,
        "webhook_secret_ciphertext" text,
        "store_token" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_store_connections" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_store_connections_installation_id" UNIQUE ("installation_id"),
        CONSTRAINT "UQ_store_connections_store_token" UNIQUE ("store_token"),
        CONSTRAINT "CHK_store_connections_auth_method" CHECK ("auth_method" IN ('api_key', 'bearer', 'basic')),
        CONSTRAINT "FK_store_connections_installation_id" FOREIGN KEY ("installation_id")
          REFERENCES "installations" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);

    await queryRunner.query(`
      CREATE TABLE "sync_runs" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "connection_id" uuid NOT NULL,
        "trigger" text NOT NULL,
        "status" text NOT NULL,
        "entity" text NOT NULL,
        "next_page" integer NOT NULL DEFAULT 1,
        "pages_fetched" integer NOT NULL DEFAULT 0,
        "records_seen" integer NOT NULL DEFAULT 0,
        "records_valid" integer NOT NULL DEFAULT 0,
        "records_skipped" integer NOT NULL DEFAULT 0,
        "records_changed" integer NOT NULL DEFAULT 0,
        "records_deleted" integer NOT NULL DEFAULT 0,
        "warnings" jsonb NOT NULL DEFAULT '{}',
        "error" text,
        "started_at" timestamptz NOT NULL DEFAULT now(),
        "finished_at" timestamptz,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_sync_runs" PRIMARY KEY ("id"),
        CONSTRAINT "CHK_sync_runs_status" CHECK ("status" IN ('running', 'succeeded', 'failed')),
        CONSTRAINT "CHK_sync_runs_entity" CHECK ("entity" IN ('products', 'orders')),
        CONSTRAINT "FK_sync_runs_connection_id" FOREIGN KEY ("connection_id")
          REFERENCES "store_connections" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(
      `CREATE INDEX "IDX_sync_runs_connection_id_started_at" ON "sync_runs" ("connection_id", "started_at")`,
    );
    // At most one running crawl per store and entity, whichever replica asks (architecture.md, Processes).
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_sync_runs_running_connection_entity" ON "sync_runs" ("connection_id", "entity") WHERE "status" = 'running'`,
    );

    await queryRunner.query(`
      CREATE TABLE "id_mappings" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "installation_id" uuid NOT NULL,
        "entity_type" text NOT NULL,
        "store_id" text NOT NULL,
        "numeric_id" bigserial NOT NULL,
        CONSTRAINT "PK_id_mappings" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_id_mappings_installation_entity_store_id" UNIQUE ("installation_id", "entity_type", "store_id"),
        CONSTRAINT "FK_id_mappings_installation_id" FOREIGN KEY ("installation_id")
          REFERENCES "installations" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "id_mappings"`);
    await queryRunner.query(`DROP TABLE "sync_runs"`);
    await queryRunner.query(`DROP TABLE "store_connections"`);
    await queryRunner.query(`DROP TABLE "installations"`);
  }
}
