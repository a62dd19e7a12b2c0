import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A Type B external account belongs to the one installation that named it first (shopimind.md §8): a second
 * installation naming the same id must not sync with that store's credential, and uninstall destroys it.
 */
export class ExternalAccountOwner1795422700000 implements MigrationInterface {
  name = 'ExternalAccountOwner1795422700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "external_accounts" ADD COLUMN "installation_key" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "external_accounts" DROP COLUMN "installation_key"`);
  }
}
