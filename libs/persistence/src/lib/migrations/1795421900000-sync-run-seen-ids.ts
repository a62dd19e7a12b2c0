import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A crawl records the ids each page showed in one row per page instead of stamping every mirror row it saw: an
 * unchanged re-sync then writes one small row per page rather than rewriting every row of the mirror. The
 * mirrors' `last_seen_run_id` goes; the rows of a run go when it finishes.
 */
export class SyncRunSeenIds1795421900000 implements MigrationInterface {
  name = 'SyncRunSeenIds1795421900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "sync_run_seen_ids" (
        "run_id" uuid NOT NULL,
        "page" integer NOT NULL,
        "ids" text[] NOT NULL,
        CONSTRAINT "PK_sync_run_seen_ids" PRIMARY KEY ("run_id", "page"),
        CONSTRAINT "FK_sync_run_seen_ids_run_id" FOREIGN KEY ("run_id")
          REFERENCES "sync_runs" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`ALTER TABLE "store_products" DROP COLUMN "last_seen_run_id"`);
    await queryRunner.query(`ALTER TABLE "store_orders" DROP COLUMN "last_seen_run_id"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "store_orders" ADD COLUMN "last_seen_run_id" uuid`);
    await queryRunner.query(`ALTER TABLE "store_products" ADD COLUMN "last_seen_run_id" uuid`);
    await queryRunner.query(`DROP TABLE "sync_run_seen_ids"`);
  }
}
