import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the last crawl of each store page produced: the hash of the page's body, what its records' normalization
 * depended on, their ids and a digest of their content hashes. A later crawl that receives the same body checks
 * the digest against the mirror and, when it still holds, records the page as seen without normalizing and
 * comparing it again: an unchanged re-sync is mostly fetching.
 */
export class StorePageFingerprints1795422200000 implements MigrationInterface {
  name = 'StorePageFingerprints1795422200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "store_page_fingerprints" (
        "connection_id" uuid NOT NULL,
        "entity" text NOT NULL,
        "page" integer NOT NULL,
        "body_hash" text NOT NULL,
        "normalization_key" text NOT NULL,
        "ids" text[] NOT NULL,
        "mirror_digest" text NOT NULL,
        "counts" jsonb NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_store_page_fingerprints" PRIMARY KEY ("connection_id", "entity", "page"),
        CONSTRAINT "CHK_store_page_fingerprints_entity" CHECK ("entity" IN ('products', 'orders')),
        CONSTRAINT "FK_store_page_fingerprints_connection_id" FOREIGN KEY ("connection_id")
          REFERENCES "store_connections" ("id") ON DELETE CASCADE
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "store_page_fingerprints"`);
  }
}
