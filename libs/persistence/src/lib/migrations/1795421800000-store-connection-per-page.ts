import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The merchant's page size for the store crawl (`per_page`, generic-api.md §3: 1..100). Existing connections
 * get the spec's default of 50, which is what they were crawled with until now.
 */
export class StoreConnectionPerPage1795421800000 implements MigrationInterface {
  name = 'StoreConnectionPerPage1795421800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "store_connections" ADD COLUMN "per_page" integer NOT NULL DEFAULT 50`,
    );
    await queryRunner.query(
      `ALTER TABLE "store_connections" ADD CONSTRAINT "CHK_store_connections_per_page" CHECK ("per_page" BETWEEN 1 AND 100)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "store_connections" DROP CONSTRAINT "CHK_store_connections_per_page"`,
    );
    await queryRunner.query(`ALTER TABLE "store_connections" DROP COLUMN "per_page"`);
  }
}
