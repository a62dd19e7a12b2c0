import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accepted signatures keep their request's answer (and, while it is processed, a lease), so an exact resend of
 * a ShopiMind request is answered with it instead of 401 (shopimind.md §3, revised). Existing rows keep both
 * null: answered, answer not kept, so their resend is still refused.
 *
 * Installations keep the key of their data source label: it was the connection's id, and a connection is
 * deleted at uninstall, while the installation row is what a reinstall of the shop takes up again.
 */
export class ResendAnswersAndReinstallIdentity1795422800000 implements MigrationInterface {
  name = 'ResendAnswersAndReinstallIdentity1795422800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "accepted_signatures" ADD "processing_until" timestamptz`);
    await queryRunner.query(`ALTER TABLE "accepted_signatures" ADD "answer_status" integer`);
    await queryRunner.query(`ALTER TABLE "accepted_signatures" ADD "answer_body" jsonb`);
    await queryRunner.query(`ALTER TABLE "installations" ADD "data_source_key" text`);
    await queryRunner.query(`
      UPDATE "installations" SET "data_source_key" = left("connection"."id"::text, 8)
      FROM "store_connections" "connection"
      WHERE "connection"."installation_id" = "installations"."id"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "installations" DROP COLUMN "data_source_key"`);
    await queryRunner.query(`ALTER TABLE "accepted_signatures" DROP COLUMN "answer_body"`);
    await queryRunner.query(`ALTER TABLE "accepted_signatures" DROP COLUMN "answer_status"`);
    await queryRunner.query(`ALTER TABLE "accepted_signatures" DROP COLUMN "processing_until"`);
  }
}
