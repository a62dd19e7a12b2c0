import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a configuration change must change in ShopiMind (issue #16):
 * - `excluded_categories`: the merchant's "Categories to leave out"; existing connections exclude none, as before;
 * - `shopimind_lang`: the language ShopiMind holds the connection's products and categories in, so push can delete
 *   the old language's rows when the merchant changes it; existing connections hold theirs in their language;
 * - `republished_fingerprint`: the configuration every record was last published under, so sync publishes them all
 *   again, crawl after crawl, until one succeeds under a new configuration; existing connections are up to date.
 */
export class StoreConnectionCatalogueSelection1795423000000 implements MigrationInterface {
  name = 'StoreConnectionCatalogueSelection1795423000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "store_connections" ADD COLUMN "excluded_categories" jsonb NOT NULL DEFAULT '[]'`,
    );
    await queryRunner.query(`ALTER TABLE "store_connections" ADD COLUMN "shopimind_lang" text`);
    await queryRunner.query(`ALTER TABLE "store_connections" ADD COLUMN "republished_fingerprint" text`);
    await queryRunner.query(
      `UPDATE "store_connections" SET "shopimind_lang" = "lang", "republished_fingerprint" = "config_fingerprint"`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "store_connections" DROP COLUMN "republished_fingerprint"`);
    await queryRunner.query(`ALTER TABLE "store_connections" DROP COLUMN "shopimind_lang"`);
    await queryRunner.query(`ALTER TABLE "store_connections" DROP COLUMN "excluded_categories"`);
  }
}
