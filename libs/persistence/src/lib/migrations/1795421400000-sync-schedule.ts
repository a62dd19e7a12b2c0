import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each connection's next scheduled sync is due. NULL means "not scheduled yet": the scheduler's first
 * claim only initialises it (the activate already requested a sync). The index serves the due-claim query.
 */
export class SyncSchedule1795421400000 implements MigrationInterface {
  name = 'SyncSchedule1795421400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "store_connections" ADD COLUMN "next_sync_at" timestamptz`);
    await queryRunner.query(
      `CREATE INDEX "IDX_store_connections_next_sync_at" ON "store_connections" ("next_sync_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_store_connections_next_sync_at"`);
    await queryRunner.query(`ALTER TABLE "store_connections" DROP COLUMN "next_sync_at"`);
  }
}
