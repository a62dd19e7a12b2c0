import {
  DynamicModule,
  InjectionToken,
  Logger,
  Module,
  ModuleMetadata,
  OptionalFactoryDependency,
  Provider,
} from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions, MigrationExecutor } from 'typeorm';
import { createDataSourceOptions, PersistenceConnectionOptions } from './data-source.factory';
import { persistenceEntities } from './entities';
import { runMigrations } from './migration-runner';
import { InstallationReader } from './readers/installation.reader';
import { PushLedgerReader } from './readers/push-ledger.reader';
import { StoreProductReader } from './readers/store-product.reader';
import { SyncRunReader } from './readers/sync-run.reader';
import { AdvisoryLockRepository } from './repositories/advisory-lock.repository';
import { ParkedMessageRepository } from './repositories/parked-message.repository';
import { StoreConnectionRepository } from './repositories/store-connection.repository';
import { loggableErrorText } from '@storebridge/security';

export interface PersistenceModuleOptions extends PersistenceConnectionOptions {
  /** Retries of a failed connection or migration before boot fails (Nest's TypeORM defaults: 9, every 3 s). */
  retryAttempts?: number;
  retryDelayMs?: number;
  /**
   * false: never migrate, fail with DatabaseSchemaBehindError when a migration is pending instead. For the
   * operators' commands, which read a production database and must not change its schema as a side effect.
   */
  migrate?: boolean;
}

export interface PersistenceModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  // Method syntax on purpose: lets a factory declare the exact types of what it injects.
  useFactory(...args: unknown[]): PersistenceModuleOptions | Promise<PersistenceModuleOptions>;
}

/**
 * What several services use. Each service's own repositories come from its persistence lib
 * (gateway-persistence, sync-persistence, push-persistence), whose module relies on this one's entities.
 */
const sharedRepositories: Provider[] = [
  StoreConnectionRepository,
  AdvisoryLockRepository,
  ParkedMessageRepository,
  InstallationReader,
  StoreProductReader,
  SyncRunReader,
  PushLedgerReader,
];

const logger = new Logger('PersistenceModule');

/** Opens the database and migrates it before anything can use it; a failed migration fails the boot. */
async function openMigratedDataSource(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = await new DataSource(options).initialize();
  try {
    await runMigrations(dataSource);
  } catch (error) {
    logger.error(`Migrations failed: ${loggableErrorText(error)}`);
    // Nest retries the factory: don't leave a pool open per attempt.
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

export class DatabaseSchemaBehindError extends Error {
  constructor(readonly pendingMigrations: readonly string[]) {
    super(
      `database schema is behind: ${pendingMigrations.length} migration(s) pending, from ${pendingMigrations[0]}; ` +
        'run the service once (it migrates at boot), then try again',
    );
    this.name = 'DatabaseSchemaBehindError';
  }
}

/**
 * Opens the database without migrating it and fails if its schema is not current. TypeORM's showMigrations()
 * would create the migrations table: getPendingMigrations() only reads.
 */
async function openCurrentDataSource(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = await new DataSource(options).initialize();
  try {
    const pending = await new MigrationExecutor(dataSource).getPendingMigrations();
    if (pending.length > 0) {
      throw new DatabaseSchemaBehindError(pending.map((migration) => migration.name));
    }
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

function toTypeOrmOptions(options: PersistenceModuleOptions) {
  return {
    ...createDataSourceOptions(options),
    retryAttempts: options.retryAttempts,
    retryDelay: options.retryDelayMs,
    // Retrying cannot bring the schema up to date: only a failed connection is worth retrying.
    toRetry: (error: unknown) => !(error instanceof DatabaseSchemaBehindError),
  };
}

/**
 * Global: import once in an app's root module; every module can then inject the shared repositories, and the
 * services' persistence modules the TypeORM repository of every entity.
 */
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceModuleOptions): DynamicModule {
    return PersistenceModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(options: PersistenceModuleAsyncOptions): DynamicModule {
    // Set by the options factory, which Nest runs before the data source factory.
    let migrate = true;
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          imports: options.imports,
          inject: options.inject,
          useFactory: async (...args: unknown[]) => {
            const resolved = await options.useFactory(...args);
            migrate = resolved.migrate ?? true;
            return toTypeOrmOptions(resolved);
          },
          dataSourceFactory: async (dataSourceOptions) => {
            if (!dataSourceOptions) {
              throw new Error('PersistenceModule: no data source options');
            }
            return migrate
              ? openMigratedDataSource(dataSourceOptions)
              : openCurrentDataSource(dataSourceOptions);
          },
        }),
        TypeOrmModule.forFeature(persistenceEntities),
      ],
      providers: sharedRepositories,
      exports: [...sharedRepositories, TypeOrmModule],
    };
  }
}
