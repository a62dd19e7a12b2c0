import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The last raw record the store sent for each mirrored product: a store webhook's partial update (generic-api
 * spec §7) is merged into it and normalized again. Null until a crawl or a webhook writes the product.
 */
export class StoreProductsRaw1795421500000 implements MigrationInterface {
  name = 'StoreProductsRaw1795421500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "store_products" ADD COLUMN "raw" jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "store_products" DROP COLUMN "raw"`);
  }
}
