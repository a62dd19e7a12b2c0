import { connect } from 'nats';
import { DataSource } from 'typeorm';
import { createTestDatabase, createTestDataSource, truncateAll } from './test-database';
import { testNatsUrl } from './test-environment';

describe('integration harness', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await createTestDataSource();
  });

  afterAll(() => dataSource.destroy());

  it('opens the test database already migrated by the global setup', async () => {
    expect(await dataSource.showMigrations()).toBe(false);
  });

  it('empties every table', async () => {
    const [installation]: Array<{ id: string }> = await dataSource.query(
      `INSERT INTO installations (installation_id, shop_domain, status) VALUES ('inst_h', 'shop', 'installed') RETURNING id`,
    );
    await dataSource.query(
      `INSERT INTO id_mappings (installation_id, entity_type, store_id, numeric_id) VALUES ($1, 'product', 'p1', 1)`,
      [installation.id],
    );

    await truncateAll(dataSource);

    expect(await dataSource.query(`SELECT count(*)::int AS count FROM installations`)).toEqual([
      { count: 0 },
    ]);
    expect(await dataSource.query(`SELECT count(*)::int AS count FROM id_mappings`)).toEqual([{ count: 0 }]);
  });

  it('creates and drops a scratch database', async () => {
    const scratch = await createTestDatabase();
    const scratchSource = await createTestDataSource(scratch.url);
    try {
      expect(await scratchSource.query(`SELECT current_database() AS name`)).toEqual([
        { name: new URL(scratch.url).pathname.slice(1) },
      ]);
    } finally {
      await scratchSource.destroy();
      await scratch.drop();
    }
    await expect(createTestDataSource(scratch.url)).rejects.toThrow(/does not exist/);
  });

  it('reaches the JetStream-enabled nats-server', async () => {
    const connection = await connect({ servers: testNatsUrl() });
    try {
      await expect((await connection.jetstreamManager()).getAccountInfo()).resolves.toBeDefined();
    } finally {
      await connection.close();
    }
  });
});
