import { IdMappingEntity } from './id-mapping.entity';
import { InstallationEntity } from './installation.entity';
import { StoreConnectionEntity } from './store-connection.entity';
import { SyncRunEntity } from './sync-run.entity';

export * from './id-mapping.entity';
export * from './installation.entity';
export * from './store-connection.entity';
export * from './sync-run.entity';

export const persistenceEntities = [
  InstallationEntity,
  StoreConnectionEntity,
  SyncRunEntity,
  IdMappingEntity,
];
