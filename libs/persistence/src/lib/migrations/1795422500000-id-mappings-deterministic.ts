import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * New id mappings take a number derived from the installation, entity type and store id instead of the next
 * sequence value: a mapping lost with its commit (crash with relaxed durability, failover to an asynchronous
 * replica, backup restore) used to come back under a new number, and its record was written to ShopiMind a
 * second time. Existing mappings keep their numbers. The number is unique per installation and entity type, so
 * that two store ids can never share a ShopiMind record (the repository probes past a taken candidate).
 */
export class IdMappingsDeterministic1795422500000 implements MigrationInterface {
  name = 'IdMappingsDeterministic1795422500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "id_mappings" ALTER COLUMN "numeric_id" DROP DEFAULT`);
    await queryRunner.query(`DROP SEQUENCE "id_mappings_numeric_id_seq"`);
    await queryRunner.query(
      `ALTER TABLE "id_mappings" ADD CONSTRAINT "UQ_id_mappings_installation_entity_numeric_id" UNIQUE ("installation_id", "entity_type", "numeric_id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "id_mappings" DROP CONSTRAINT "UQ_id_mappings_installation_entity_numeric_id"`,
    );
    await queryRunner.query(
      `CREATE SEQUENCE "id_mappings_numeric_id_seq" OWNED BY "id_mappings"."numeric_id"`,
    );
    // Past the sequence's own numbers; derived ones start at 2^32, far beyond what a sequence reaches.
    await queryRunner.query(
      `SELECT setval('"id_mappings_numeric_id_seq"', COALESCE(MAX("numeric_id"), 0) + 1, false) FROM "id_mappings" WHERE "numeric_id" < 4294967296`,
    );
    await queryRunner.query(
      `ALTER TABLE "id_mappings" ALTER COLUMN "numeric_id" SET DEFAULT nextval('"id_mappings_numeric_id_seq"')`,
    );
  }
}
