import { MigrationInterface, QueryRunner } from 'typeorm';

/** Signatures already accepted, so an exact replay of a ShopiMind request is refused on every replica. */
export class AcceptedSignatures1795420900000 implements MigrationInterface {
  name = 'AcceptedSignatures1795420900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "accepted_signatures" (
        "signature" text NOT NULL,
        "route" text NOT NULL,
        "accepted_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        CONSTRAINT "PK_accepted_signatures" PRIMARY KEY ("signature", "route")
      )`);
    // The purge deletes by expiry.
    await queryRunner.query(
      `CREATE INDEX "IDX_accepted_signatures_expires_at" ON "accepted_signatures" ("expires_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "accepted_signatures"`);
  }
}
