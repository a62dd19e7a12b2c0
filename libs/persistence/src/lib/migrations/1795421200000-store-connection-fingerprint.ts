import { MigrationInterface, QueryRunner } from 'typeorm';

/** Lets a retried activate or an unchanged config_updated be told apart from a real change. */
export class StoreConnectionFingerprint1795421200000 implements MigrationInterface {
  name = 'StoreConnectionFingerprint1795421200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "store_connections" ADD COLUMN "config_fingerprint" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "store_connections" DROP COLUMN "config_fingerprint"`);
  }
}
