import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The id mappings are keyed by what identifies them (installation, entity type, store id): the surrogate uuid key
 * cost every new mapping a random uuid and a second unique index. The foreign key to installations goes too: an
 * installation row is never deleted (uninstall marks it and deletes its mappings explicitly, with its connection),
 * so its cascade never ran, while its check took a key-share lock on the installation row for every new mapping.
 * Together they were about half of the statement that creates a page's mappings during a first push.
 */
export class IdMappingsNaturalKey1795422100000 implements MigrationInterface {
  name = 'IdMappingsNaturalKey1795422100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "id_mappings" DROP CONSTRAINT "FK_id_mappings_installation_id"`);
    await queryRunner.query(`ALTER TABLE "id_mappings" DROP CONSTRAINT "PK_id_mappings"`);
    await queryRunner.query(`ALTER TABLE "id_mappings" DROP COLUMN "id"`);
    await queryRunner.query(
      `ALTER TABLE "id_mappings" DROP CONSTRAINT "UQ_id_mappings_installation_entity_store_id"`,
    );
    await queryRunner.query(
      `ALTER TABLE "id_mappings" ADD CONSTRAINT "PK_id_mappings" PRIMARY KEY ("installation_id", "entity_type", "store_id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "id_mappings" DROP CONSTRAINT "PK_id_mappings"`);
    await queryRunner.query(
      `ALTER TABLE "id_mappings" ADD CONSTRAINT "UQ_id_mappings_installation_entity_store_id" UNIQUE ("installation_id", "entity_type", "store_id")`,
    );
    await queryRunner.query(`ALTER TABLE "id_mappings" ADD "id" uuid NOT NULL DEFAULT gen_random_uuid()`);
    await queryRunner.query(`ALTER TABLE "id_mappings" ADD CONSTRAINT "PK_id_mappings" PRIMARY KEY ("id")`);
    await queryRunner.query(
      `ALTER TABLE "id_mappings" ADD CONSTRAINT "FK_id_mappings_installation_id" FOREIGN KEY ("installation_id") REFERENCES "installations" ("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }
}
