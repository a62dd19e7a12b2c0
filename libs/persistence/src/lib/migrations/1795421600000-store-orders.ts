import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The orders mirror: like store_products, but only what change detection and webhook merges need (the gateway
 * never shows orders). Rows go with their connection.
 */
export class StoreOrders1795421600000 implements MigrationInterface {
  name = 'StoreOrders1795421600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "store_orders" (
        "connection_id" uuid NOT NULL,
        "store_order_id" text NOT NULL,
        "content_hash" text NOT NULL,
        "last_seen_run_id" uuid,
        "raw" jsonb,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_store_orders" PRIMARY KEY ("connection_id", "store_order_id"),
        CONSTRAINT "FK_store_orders_connection_id" FOREIGN KEY ("connection_id")
          REFERENCES "store_connections" ("id") ON DELETE CASCADE
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "store_orders"`);
  }
}
