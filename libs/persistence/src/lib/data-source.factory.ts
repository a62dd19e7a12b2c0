import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { PGliteDriver } from 'typeorm-pglite';
import { persistenceEntities } from './entities';
import { migrations } from './migrations';

export interface PersistenceConnectionOptions {
  /** `postgres://…`: production mode against PostgreSQL. */
  databaseUrl?: string;
  /** Embedded mode (no URL): PGlite files live in `<dataDir>/pglite`; `memory://` keeps them in memory. */
  dataDir?: string;
}

export const PGLITE_IN_MEMORY = 'memory://';

/** Where PGlite keeps its files for a `dataDir`, or `memory://`. */
export function pgliteDataDir(dataDir: string): string {
  return dataDir.startsWith(PGLITE_IN_MEMORY) ? PGLITE_IN_MEMORY : join(dataDir, 'pglite');
}

/**
 * PostgreSQL when a URL is given, PGlite otherwise. The schema only ever changes through `migrations`
 * (`synchronize` stays off), and migrations are run explicitly by `runMigrations` under an advisory lock.
 */
export function createDataSourceOptions(options: PersistenceConnectionOptions): DataSourceOptions {
  const common = {
    type: 'postgres',
    entities: persistenceEntities,
    migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    // gen_random_uuid() is core since PostgreSQL 13 and present in PGlite: no extension to install.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    // TypeORM's own logger prints a failed statement with its parameters (ids, ciphertexts): it stays off, and
    // database errors reach the logs only through the services' logger, which reduces them to safe text.
    logging: false,
  } as const;
  if (options.databaseUrl) {
    return { ...common, url: options.databaseUrl, applicationName: 'storebridge' };
  }
  if (!options.dataDir) {
    throw new Error('Persistence needs either a database URL or a data directory for the embedded database');
  }
  const dataDir = pgliteDataDir(options.dataDir);
  if (dataDir !== PGLITE_IN_MEMORY) {
    mkdirSync(dataDir, { recursive: true });
  }
  // typeorm-pglite keeps ONE PGlite instance per process: a process owns a single embedded database.
  return { ...common, driver: new PGliteDriver({ dataDir }).driver };
}
