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
import { DataSource, DataSourceOptions } from 'typeorm';
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

function toTypeOrmOptions(options: PersistenceModuleOptions) {
  return {
    ...createDataSourceOptions(options),
    retryAttempts: options.retryAttempts,
    retryDelay: options.retryDelayMs,
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
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          imports: options.imports,
          inject: options.inject,
          useFactory: async (...args: unknown[]) => toTypeOrmOptions(await options.useFactory(...args)),
          dataSourceFactory: async (dataSourceOptions) => {
            if (!dataSourceOptions) {
              throw new Error('PersistenceModule: no data source options');
            }
            return openMigratedDataSource(dataSourceOptions);
          },
        }),
        TypeOrmModule.forFeature(persistenceEntities),
      ],
      providers: sharedRepositories,
      exports: [...sharedRepositories, TypeOrmModule],
    };
  }
}
