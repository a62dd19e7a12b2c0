import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messages taken out of redelivery because their handler kept failing the same way (a poison message), kept with
 * their payload and the failure's summary for operators to read, fix and publish again.
 */
export class ParkedMessages1795422600000 implements MigrationInterface {
  name = 'ParkedMessages1795422600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "parked_messages" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "subject" text NOT NULL,
        "stream_sequence" bigint NOT NULL,
        "payload" text NOT NULL,
        "error_name" text NOT NULL,
        "error_code" text,
        "error_message" text NOT NULL,
        "attempts" integer NOT NULL,
        "first_failed_at" timestamptz NOT NULL,
        "last_failed_at" timestamptz NOT NULL,
        "parked_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_parked_messages" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "IDX_parked_messages_subject_parked_at" ON "parked_messages" ("subject", "parked_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "parked_messages"`);
  }
}
