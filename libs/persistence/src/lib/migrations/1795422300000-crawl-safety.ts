import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a run tells of how its crawl ended and what it skipped, and the mirror's held deletions (generic-api.md §3,
 * §4): a crawl that would delete an unusual share of a catalogue marks those records, and only a later complete
 * crawl that still misses them deletes them.
 */
export class CrawlSafety1795422300000 implements MigrationInterface {
  name = 'CrawlSafety1795422300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sync_runs" ADD COLUMN "stop_reason" text`);
    await queryRunner.query(`ALTER TABLE "sync_runs" ADD COLUMN "end_confirmed" boolean`);
    await queryRunner.query(`ALTER TABLE "sync_runs" ADD COLUMN "deletions_held" integer NOT NULL DEFAULT 0`);
    await queryRunner.query(
      `ALTER TABLE "sync_runs" ADD COLUMN "skipped_records" jsonb NOT NULL DEFAULT '[]'`,
    );
    await queryRunner.query(`ALTER TABLE "store_products" ADD COLUMN "deletion_held_by_run" uuid`);
    await queryRunner.query(`ALTER TABLE "store_orders" ADD COLUMN "deletion_held_by_run" uuid`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "store_orders" DROP COLUMN "deletion_held_by_run"`);
    await queryRunner.query(`ALTER TABLE "store_products" DROP COLUMN "deletion_held_by_run"`);
    await queryRunner.query(`ALTER TABLE "sync_runs" DROP COLUMN "skipped_records"`);
    await queryRunner.query(`ALTER TABLE "sync_runs" DROP COLUMN "deletions_held"`);
    await queryRunner.query(`ALTER TABLE "sync_runs" DROP COLUMN "end_confirmed"`);
    await queryRunner.query(`ALTER TABLE "sync_runs" DROP COLUMN "stop_reason"`);
  }
}
