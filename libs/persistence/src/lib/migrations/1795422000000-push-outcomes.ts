import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What ShopiMind answered for the last version of every record push sent: accepted, or rejected with its reasons
 * (a dead letter, kept with the record so it can be replayed). Compared with the sync mirror's content hashes it
 * tells, for every record sync emitted, whether it was accepted, rejected or is pending.
 */
export class PushOutcomes1795422000000 implements MigrationInterface {
  name = 'PushOutcomes1795422000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "push_outcomes" (
        "connection_id" uuid NOT NULL,
        "entity" text NOT NULL,
        "store_id" text NOT NULL,
        "content_hash" text NOT NULL,
        "status" text NOT NULL,
        "reasons" jsonb NOT NULL DEFAULT '[]',
        "attempts" integer NOT NULL DEFAULT 0,
        "record" jsonb,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_push_outcomes" PRIMARY KEY ("connection_id", "entity", "store_id"),
        CONSTRAINT "CHK_push_outcomes_entity" CHECK ("entity" IN ('products', 'orders')),
        CONSTRAINT "CHK_push_outcomes_status" CHECK ("status" IN ('accepted', 'rejected')),
        CONSTRAINT "FK_push_outcomes_connection_id" FOREIGN KEY ("connection_id")
          REFERENCES "store_connections" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE INDEX "IDX_push_outcomes_rejected" ON "push_outcomes" ("connection_id", "entity") WHERE "status" = 'rejected'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "push_outcomes"`);
  }
}
