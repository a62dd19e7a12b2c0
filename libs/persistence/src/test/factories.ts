import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { InstallationEntity, StoreConnectionEntity } from '../lib/entities';
import { InstallationRepository, type InstallationUpsert } from '../lib/repositories/installation.repository';
import {
  StoreConnectionRepository,
  type StoreConnectionInput,
} from '../lib/repositories/store-connection.repository';

const unique = () => randomBytes(4).toString('hex');

export function anInstallation(overrides: Partial<InstallationUpsert> = {}): InstallationUpsert {
  return {
    installationId: `inst_${unique()}`,
    shopDomain: 'shop.example.com',
    status: 'installed',
    ...overrides,
  };
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
  const installation = await new InstallationRepository(dataSource.getRepository(InstallationEntity)).upsert(
    anInstallation(),
  );
  const connections = new StoreConnectionRepository(dataSource.getRepository(StoreConnectionEntity));
  return (await connections.upsertForInstallation(installation.id, aStoreConnection())).id;
}
