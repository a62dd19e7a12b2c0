import { randomBytes } from 'node:crypto';
import { createDataSourceOptions } from '@storebridge/persistence';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { testDatabaseUrl } from './test-environment';

/** An initialized data source on the (already migrated) test database; `destroy()` it in `afterAll`. */
export async function createTestDataSource(databaseUrl: string = testDatabaseUrl()): Promise<DataSource> {
  return new DataSource(createDataSourceOptions({ databaseUrl })).initialize();
}

/** Empties every entity table (and restarts their sequences) so each test starts from a blank database. */
export async function truncateAll(dataSource: DataSource): Promise<void> {
  const tables = dataSource.entityMetadatas.map((metadata) => `"${metadata.tableName}"`);
  if (tables.length > 0) {
    await dataSource.query(`TRUNCATE TABLE ${tables.join(', ')} RESTART IDENTITY CASCADE`);
  }
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

async function asAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const adminUrl = new URL(testDatabaseUrl());
  adminUrl.pathname = '/postgres';
  const client = new Client({ connectionString: adminUrl.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, empty (unmigrated) database on the test server, for tests that need to watch migrations run or must
 * not disturb the shared test database.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `storebridge_scratch_${randomBytes(6).toString('hex')}`;
  await asAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await asAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
