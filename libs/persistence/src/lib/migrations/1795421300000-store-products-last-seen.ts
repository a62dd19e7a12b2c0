import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The last full crawl that saw each mirrored product: after a complete crawl, rows it did not see are products
 * the store deleted. No foreign key: the id only has to differ from the current run's.
 */
export class StoreProductsLastSeen1795421300000 implements MigrationInterface {
  name = 'StoreProductsLastSeen1795421300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "store_products" ADD COLUMN "last_seen_run_id" uuid`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "store_products" DROP COLUMN "last_seen_run_id"`);
  }
}
