import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Push computes a variation's ShopiMind id from its installation, product and own id instead of mapping it (ids
 * need to be unique within their product only), so the variation mappings are no longer read. Each one holds the
 * number the computation gives, so nothing ShopiMind holds changes id. Down has nothing to restore: a build that
 * maps variations creates their mappings again under the same numbers.
 */
export class VariationIdsComputed1795423300000 implements MigrationInterface {
  name = 'VariationIdsComputed1795423300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "id_mappings" WHERE "entity_type" = 'product_variation'`);
  }

  async down(): Promise<void> {
    // Nothing to restore (see above).
  }
}
