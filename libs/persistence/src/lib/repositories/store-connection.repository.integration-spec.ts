import { DataSource } from 'typeorm';
import { anInstallation, aStoreConnection } from '../../test/factories';
import { openDataSource, truncateTables } from '../../test/integration-database';
import { InstallationEntity, StoreConnectionEntity, SyncRunEntity } from '../entities';
import { InstallationRepository } from './installation.repository';
import { StoreConnectionRepository } from './store-connection.repository';
import { SyncRunRepository } from './sync-run.repository';

describe('StoreConnectionRepository', () => {
  let dataSource: DataSource;
  let installations: InstallationRepository;
  let connections: StoreConnectionRepository;
  let syncRuns: SyncRunRepository;

  beforeAll(async () => {
    dataSource = await openDataSource();
    installations = new InstallationRepository(dataSource.getRepository(InstallationEntity));
    connections = new StoreConnectionRepository(dataSource.getRepository(StoreConnectionEntity));
    syncRuns = new SyncRunRepository(dataSource.getRepository(SyncRunEntity));
  });

  beforeEach(() => truncateTables(dataSource));

  afterAll(() => dataSource.destroy());

  it('creates the connection of an installation and finds it by id, installation and store token', async () => {
    const installation = await installations.upsert(anInstallation());

    const created = await connections.upsertForInstallation(
      installation.id,
      aStoreConnection({ storeToken: 'st_1' }),
    );

    expect(created).toEqual(
      expect.objectContaining({
        installationId: installation.id,
        baseUrl: 'https://store.example.com',
        authMethod: 'api_key',
        paths: { health: '/health', products: '/api/products', orders: '/api/orders' },
        fieldMappings: { products: { name: 'title' }, orders: {} },
        syncIntervalMinutes: 60,
        webhookSecretCiphertext: null,
        configFingerprint: null,
        storeToken: 'st_1',
      }),
    );
    expect((await connections.findById(created.id))?.storeToken).toBe('st_1');
    expect((await connections.findByInstallation(installation.id))?.id).toBe(created.id);
    expect((await connections.findByStoreToken('st_1'))?.id).toBe(created.id);
    expect(await connections.findByStoreToken('st_unknown')).toBeNull();
  });

  it('reconfigures in place: same id and store token, new credentials and mappings', async () => {
    const installation = await installations.upsert(anInstallation());
    const first = await connections.upsertForInstallation(
      installation.id,
      aStoreConnection({ storeToken: 'st_1' }),
    );

    const second = await connections.upsertForInstallation(
      installation.id,
      aStoreConnection({
        storeToken: 'st_ignored',
        credentialsCiphertext: 'rotated',
        fieldMappings: { products: {}, orders: { total: 'grand_total' } },
        webhookSecretCiphertext: 'secret',
        configFingerprint: 'fp_2',
      }),
    );

    expect(second).toEqual(
      expect.objectContaining({
        id: first.id,
        storeToken: 'st_1',
        credentialsCiphertext: 'rotated',
        fieldMappings: { products: {}, orders: { total: 'grand_total' } },
        webhookSecretCiphertext: 'secret',
        configFingerprint: 'fp_2',
      }),
    );
    expect(await dataSource.getRepository(StoreConnectionEntity).count()).toBe(1);
  });

  it('lists the connections of active installations only', async () => {
    const active = await installations.upsert(anInstallation({ status: 'active' }));
    const inactive = await installations.upsert(anInstallation({ status: 'inactive' }));
    const activeConnection = await connections.upsertForInstallation(active.id, aStoreConnection());
    await connections.upsertForInstallation(inactive.id, aStoreConnection());

    const listed = await connections.findAllOfActiveInstallations();

    expect(listed.map((connection) => connection.id)).toEqual([activeConnection.id]);
  });

  it('deletes the connection of an installation with its sync runs', async () => {
    const installation = await installations.upsert(anInstallation());
    const connection = await connections.upsertForInstallation(installation.id, aStoreConnection());
    await syncRuns.start({ connectionId: connection.id, entity: 'products', trigger: 'activate' });

    expect(await connections.deleteByInstallation(installation.id)).toBe(true);
    expect(await connections.deleteByInstallation(installation.id)).toBe(false);
    expect(await connections.findById(connection.id)).toBeNull();
    expect(await dataSource.getRepository(SyncRunEntity).count()).toBe(0);
  });

  it('goes away with its installation (on delete cascade)', async () => {
    const installation = await installations.upsert(anInstallation());
    const connection = await connections.upsertForInstallation(installation.id, aStoreConnection());

    await dataSource.getRepository(InstallationEntity).delete({ id: installation.id });

    expect(await connections.findById(connection.id)).toBeNull();
  });
});
