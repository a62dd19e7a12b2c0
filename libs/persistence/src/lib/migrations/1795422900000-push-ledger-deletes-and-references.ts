import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The push ledger keeps what a delete still owes and what each record points at:
 * - `delete_pending`: a delete ShopiMind refused, kept and retried instead of forgotten;
 * - the derived records push wrote (product categories, order statuses, customers), so those no record of the
 *   store points at any more can be deleted after a complete crawl;
 * - `refs`: the derived records a record's version points at (`{"customers": ["…"], "order_statuses": ["…"]}`),
 *   null for rows written before this migration.
 */
export class PushLedgerDeletesAndReferences1795422900000 implements MigrationInterface {
  name = 'PushLedgerDeletesAndReferences1795422900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "push_outcomes" ADD COLUMN "refs" jsonb`);
    await queryRunner.query(`ALTER TABLE "push_outcomes" DROP CONSTRAINT "CHK_push_outcomes_entity"`);
    await queryRunner.query(
      `ALTER TABLE "push_outcomes" ADD CONSTRAINT "CHK_push_outcomes_entity" CHECK ("entity" IN ('products', 'orders', 'categories', 'order_statuses', 'customers'))`,
    );
    await queryRunner.query(`ALTER TABLE "push_outcomes" DROP CONSTRAINT "CHK_push_outcomes_status"`);
    await queryRunner.query(
      `ALTER TABLE "push_outcomes" ADD CONSTRAINT "CHK_push_outcomes_status" CHECK ("status" IN ('accepted', 'rejected', 'delete_pending'))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_push_outcomes_delete_pending" ON "push_outcomes" ("connection_id", "entity") WHERE "status" = 'delete_pending'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_push_outcomes_delete_pending"`);
    await queryRunner.query(
      `DELETE FROM "push_outcomes" WHERE "entity" NOT IN ('products', 'orders') OR "status" = 'delete_pending'`,
    );
    await queryRunner.query(`ALTER TABLE "push_outcomes" DROP CONSTRAINT "CHK_push_outcomes_status"`);
    await queryRunner.query(
      `ALTER TABLE "push_outcomes" ADD CONSTRAINT "CHK_push_outcomes_status" CHECK ("status" IN ('accepted', 'rejected'))`,
    );
    await queryRunner.query(`ALTER TABLE "push_outcomes" DROP CONSTRAINT "CHK_push_outcomes_entity"`);
    await queryRunner.query(
      `ALTER TABLE "push_outcomes" ADD CONSTRAINT "CHK_push_outcomes_entity" CHECK ("entity" IN ('products', 'orders'))`,
    );
    await queryRunner.query(`ALTER TABLE "push_outcomes" DROP COLUMN "refs"`);
  }
}
