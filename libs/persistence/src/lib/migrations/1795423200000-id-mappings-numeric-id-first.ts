import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The uniqueness of a numeric id per installation and entity type now leads with the numeric id. Led by the
 * installation and entity type, like the primary key, it was a candidate for looking a store id up: planned from
 * statistics taken while the table was small (a first big push outruns autovacuum), every lookup went through it
 * and read all the installation's mappings, a push of 100,000 products slowing to a crawl. Led by the numeric id
 * it serves only the reverse lookup, which gives the numeric ids.
 */
export class IdMappingsNumericIdFirst1795423200000 implements MigrationInterface {
  name = 'IdMappingsNumericIdFirst1795423200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "id_mappings" ADD CONSTRAINT "UQ_id_mappings_numeric_id" UNIQUE ("numeric_id", "installation_id", "entity_type")`,
    );
    await queryRunner.query(
      `ALTER TABLE "id_mappings" DROP CONSTRAINT "UQ_id_mappings_installation_entity_numeric_id"`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "id_mappings" ADD CONSTRAINT "UQ_id_mappings_installation_entity_numeric_id" UNIQUE ("installation_id", "entity_type", "numeric_id")`,
    );
    await queryRunner.query(`ALTER TABLE "id_mappings" DROP CONSTRAINT "UQ_id_mappings_numeric_id"`);
  }
}
