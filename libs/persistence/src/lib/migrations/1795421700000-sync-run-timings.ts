import { MigrationInterface, QueryRunner } from 'typeorm';

/** Milliseconds a sync run spent by step (fetching pages, normalizing, mirroring, publishing), summed over pages. */
export class SyncRunTimings1795421700000 implements MigrationInterface {
  name = 'SyncRunTimings1795421700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sync_runs" ADD COLUMN "timings" jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sync_runs" DROP COLUMN "timings"`);
  }
}
