import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The variations and images push sent of each product (their ShopiMind ids), so that those the store removes
 * are deleted in ShopiMind too.
 */
export class PushedProductParts1795423100000 implements MigrationInterface {
  name = 'PushedProductParts1795423100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "pushed_product_parts" (
        "connection_id" uuid NOT NULL,
        "store_product_id" text NOT NULL,
        "variation_ids" text[] NOT NULL,
        "image_ids" text[] NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_pushed_product_parts" PRIMARY KEY ("connection_id", "store_product_id"),
        CONSTRAINT "FK_pushed_product_parts_connection_id" FOREIGN KEY ("connection_id")
          REFERENCES "store_connections" ("id") ON DELETE CASCADE
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "pushed_product_parts"`);
  }
}
