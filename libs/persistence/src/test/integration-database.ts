import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSourceOptions } from '../lib/data-source.factory';

// Persistence's own integration specs cannot use @storebridge/testing (it depends on this lib: a cycle), so they
// read the URL its global setup exports directly; the services' persistence libs share these through
// `@storebridge/persistence/testing`. Excluded from the build (tsconfig.lib.json).

export function integrationDatabaseUrl(): string {
  const url = process.env['TEST_DATABASE_URL'];
  if (!url) {
    throw new Error(
      'TEST_DATABASE_URL is not set: run through an integration jest config (jest.integration.config.ts)',
    );
  }
  return url;
}

export function openDataSource(databaseUrl: string = integrationDatabaseUrl()): Promise<DataSource> {
  return new DataSource(createDataSourceOptions({ databaseUrl })).initialize();
}

export async function truncateTables(dataSource: DataSource): Promise<void> {
  const tables = dataSource.entityMetadatas.map((metadata) => `"${metadata.tableName}"`).join(', ');
  await dataSource.query(`TRUNCATE TABLE ${tables} RESTART IDENTITY CASCADE`);
}

async function asAdmin(sql: string): Promise<void> {
  const url = new URL(integrationDatabaseUrl());
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh, unmigrated database on the test server. */
export async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `persistence_scratch_${randomBytes(6).toString('hex')}`;
  await asAdmin(`CREATE DATABASE "${name}"`);
  const url = new URL(integrationDatabaseUrl());
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => asAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
