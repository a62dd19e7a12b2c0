import { MigrationInterface, QueryRunner } from 'typeorm';

/** Type B installs (shopimind.md §8): pending authorizations of the consent page and the accounts it creates. */
export class OAuth1795421100000 implements MigrationInterface {
  name = 'OAuth1795421100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "oauth_authorizations" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "state" text NOT NULL,
        "redirect_uri" text NOT NULL,
        "shop_name" text,
        "csrf_secret" text NOT NULL,
        "expires_at" timestamptz NOT NULL,
        "consumed_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_oauth_authorizations" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_oauth_authorizations_state" UNIQUE ("state")
      )`);

    await queryRunner.query(`
      CREATE TABLE "external_accounts" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "base_url" text NOT NULL,
        "auth_method" text NOT NULL,
        "credentials_ciphertext" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_external_accounts" PRIMARY KEY ("id"),
        CONSTRAINT "CHK_external_accounts_auth_method" CHECK ("auth_method" IN ('api_key', 'bearer', 'basic'))
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "external_accounts"`);
    await queryRunner.query(`DROP TABLE "oauth_authorizations"`);
  }
}
