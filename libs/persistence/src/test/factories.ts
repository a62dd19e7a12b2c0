import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { InstallationEntity, type InstallationUpsert, StoreConnectionEntity } from '../lib/entities';
import {
  StoreConnectionRepository,
  type StoreConnectionInput,
} from '../lib/repositories/store-connection.repository';

const unique = () => randomBytes(4).toString('hex');

/** What an installation is created with; the columns left out keep their defaults. */
export type InstallationSeed = InstallationUpsert;

export function anInstallation(overrides: Partial<InstallationSeed> = {}): InstallationSeed {
  return {
    installationId: `inst_${unique()}`,
    shopDomain: 'shop.example.com',
    status: 'installed',
    ...overrides,
  };
}

/**
 * A new installation in the database, written through its entity: specs of the services that only read
 * installations seed them without the gateway's repository.
 */
export async function insertInstallation(
  dataSource: DataSource,
  overrides: Partial<InstallationSeed> = {},
): Promise<InstallationEntity> {
  const installations = dataSource.getRepository(InstallationEntity);
  const seed = anInstallation(overrides);
  await installations.insert(seed);
  return installations.findOneByOrFail({ installationId: seed.installationId });
}

export function aStoreConnection(overrides: Partial<StoreConnectionInput> = {}): StoreConnectionInput {
  return {
    baseUrl: 'https://store.example.com',
    authMethod: 'api_key',
    credentialsCiphertext: 'v1:ciphertext-of-the-api-key',
    paths: { health: '/health', products: '/api/products', orders: '/api/orders' },
    fieldMappings: { products: { name: 'title' }, orders: {} },
    lang: 'fr',
    currency: 'EUR',
    syncIntervalMinutes: 60,
    perPage: 25,
    storeToken: `st_${unique()}`,
    ...overrides,
  };
}

/** A new store connection, with its installation, in the integration database; returns the connection id. */
export async function aPersistedConnection(dataSource: DataSource): Promise<string> {
  const installation = await insertInstallation(dataSource);
  const connections = new StoreConnectionRepository(dataSource.getRepository(StoreConnectionEntity));
  return (await connections.upsertForInstallation(installation.id, aStoreConnection())).id;
}
