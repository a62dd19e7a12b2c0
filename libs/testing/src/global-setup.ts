// Side-effect imports first, in this order: the alias registration must run before any `@storebridge/*` import.
import './register-workspace-aliases';
import 'reflect-metadata';
import { createDataSourceOptions, runMigrations } from '@storebridge/persistence';
import { DataSource } from 'typeorm';
import { startNatsServer } from './lib/nats-server';
import { startPostgres } from './lib/postgres-server';
import { TEST_DATABASE_URL_ENV, TEST_NATS_URL_ENV } from './lib/test-environment';
import { keepTestServices, TestServices } from './lib/test-services';

async function migrate(databaseUrl: string): Promise<void> {
  const dataSource = await new DataSource(createDataSourceOptions({ databaseUrl })).initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/** Starts PostgreSQL and nats-server for one integration run and migrates the test database once. */
export default async function globalSetup(): Promise<void> {
  const [postgres, nats] = await Promise.allSettled([startPostgres(), startNatsServer()]);
  if (postgres.status === 'rejected' || nats.status === 'rejected') {
    await Promise.all(
      [postgres, nats].map((started) => (started.status === 'fulfilled' ? started.value.stop() : undefined)),
    );
    throw postgres.status === 'rejected' ? postgres.reason : (nats as PromiseRejectedResult).reason;
  }
  const services: TestServices = { postgres: postgres.value, nats: nats.value };
  try {
    await migrate(services.postgres.url);
  } catch (error) {
    await Promise.all([services.postgres.stop(), services.nats.stop()]);
    throw error;
  }
  // Set before jest forks its workers, which inherit the environment.
  process.env[TEST_DATABASE_URL_ENV] = services.postgres.url;
  process.env[TEST_NATS_URL_ENV] = services.nats.url;
  keepTestServices(services);
}
