import { MigrationInterface, QueryRunner } from 'typeorm';

/** The product mirror the gateway's widgets read (product image route, product picker). */
export class StoreProducts1795421000000 implements MigrationInterface {
  name = 'StoreProducts1795421000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "store_products" (
        "connection_id" uuid NOT NULL,
        "store_product_id" text NOT NULL,
        "name" text NOT NULL,
        "price" numeric,
        "regular_price" numeric,
        "image_url" text,
        "url" text NOT NULL,
        "categories" jsonb NOT NULL,
        "content_hash" text NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_store_products" PRIMARY KEY ("connection_id", "store_product_id"),
        CONSTRAINT "FK_store_products_connection_id" FOREIGN KEY ("connection_id")
          REFERENCES "store_connections" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    // The product picker lists one connection's products by name.
    await queryRunner.query(
      `CREATE INDEX "IDX_store_products_connection_id_name" ON "store_products" ("connection_id", "name")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "store_products"`);
  }
}
