import { DataSource } from 'typeorm';
import { createScratchDatabase, openDataSource } from '../../test/integration-database';
import {
  INSTALLATION_STATUSES,
  LEDGER_ENTITIES,
  PUSH_OUTCOME_STATUSES,
  STORE_AUTH_METHODS,
  RECORD_KINDS,
  SYNC_RUN_STATUSES,
} from '../entities';
import { runMigrations } from '../migration-runner';
import { migrations } from './index';

async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((query) => query.query);
}

async function publicTables(dataSource: DataSource): Promise<string[]> {
  const rows: Array<{ table_name: string }> = await dataSource.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
  );
  return rows.map((row) => row.table_name);
}

describe('schema migrations on PostgreSQL', () => {
  // CI's drift check: entities and migrations must describe the same schema.
  it('leaves nothing for TypeORM to generate after migrating (no schema drift)', async () => {
    const dataSource = await openDataSource();
    try {
      expect(await dataSource.showMigrations()).toBe(false);
      expect(await pendingSchemaChanges(dataSource)).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });

  // TypeORM compares check constraints by name only: this keeps their value lists in step with the code's.
  it.each([
    ['CHK_installations_status', INSTALLATION_STATUSES],
    ['CHK_store_connections_auth_method', STORE_AUTH_METHODS],
    ['CHK_external_accounts_auth_method', STORE_AUTH_METHODS],
    ['CHK_sync_runs_status', SYNC_RUN_STATUSES],
    ['CHK_sync_runs_entity', RECORD_KINDS],
    ['CHK_push_outcomes_entity', LEDGER_ENTITIES],
    ['CHK_push_outcomes_status', PUSH_OUTCOME_STATUSES],
    ['CHK_store_page_fingerprints_entity', RECORD_KINDS],
  ])('allows exactly the values the code declares in %s', async (constraint, declared) => {
    const dataSource = await openDataSource();
    try {
      const [row]: Array<{ definition: string }> = await dataSource.query(
        `SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conname = $1`,
        [constraint],
      );
      const allowed = [...row.definition.matchAll(/'([^']*)'/g)].map((match) => match[1]);
      expect(allowed.sort()).toEqual([...declared].sort());
    } finally {
      await dataSource.destroy();
    }
  });

  describe('on a scratch database', () => {
    let scratch: { url: string; drop(): Promise<void> };

    beforeEach(async () => {
      scratch = await createScratchDatabase();
    });

    afterEach(async () => {
      await scratch.drop();
    });

    it('reverts every migration with down and re-applies them with up', async () => {
      const dataSource = await openDataSource(scratch.url);
      try {
        await runMigrations(dataSource);
        for (let reverted = 0; reverted < migrations.length; reverted++) {
          await dataSource.undoLastMigration();
        }
        expect(await publicTables(dataSource)).toEqual(['migrations']);

        const reapplied = await runMigrations(dataSource);

        expect(reapplied).toHaveLength(migrations.length);
        expect(await publicTables(dataSource)).toEqual([
          'accepted_signatures',
          'external_accounts',
          'id_mappings',
          'installations',
          'migrations',
          'oauth_authorizations',
          'parked_messages',
          'push_outcomes',
          'pushed_product_parts',
          'store_connections',
          'store_orders',
          'store_page_fingerprints',
          'store_products',
          'sync_run_seen_ids',
          'sync_runs',
        ]);
        expect(await pendingSchemaChanges(dataSource)).toEqual([]);
      } finally {
        await dataSource.destroy();
      }
    });

    it('drops the variation id mappings, which push no longer reads, and keeps the others', async () => {
      const dataSource = await openDataSource(scratch.url);
      try {
        await runMigrations(dataSource);
        expect(migrations.at(-1)?.name).toBe('VariationIdsComputed1795423300000');
        await dataSource.undoLastMigration();
        const installationId = '6f1c2b8e-4d3a-4b9e-8f7a-1c2d3e4f5a6b';
        await dataSource.query(
          `INSERT INTO "id_mappings" ("installation_id", "entity_type", "store_id", "numeric_id")
           VALUES ($1, 'product_variation', '["prod_1","v1"]', 4294967301), ($1, 'product', 'prod_1', 4294967302)`,
          [installationId],
        );

        await runMigrations(dataSource);

        const kept: Array<{ entity_type: string }> = await dataSource.query(
          `SELECT "entity_type" FROM "id_mappings" WHERE "installation_id" = $1`,
          [installationId],
        );
        expect(kept).toEqual([{ entity_type: 'product' }]);
      } finally {
        await dataSource.destroy();
      }
    });

    it('migrates once when several services boot together (advisory lock)', async () => {
      const services = await Promise.all([1, 2, 3].map(() => openDataSource(scratch.url)));
      try {
        const executed = await Promise.all(services.map((dataSource) => runMigrations(dataSource)));

        expect(executed.map((applied) => applied.length).sort()).toEqual([0, 0, migrations.length]);
        const recorded: Array<{ name: string }> = await services[0].query(`SELECT name FROM migrations`);
        expect(recorded.map((row) => row.name)).toEqual(migrations.map((migration) => migration.name));
        expect(await pendingSchemaChanges(services[0])).toEqual([]);
      } finally {
        await Promise.all(services.map((dataSource) => dataSource.destroy()));
      }
    });
  });
});
