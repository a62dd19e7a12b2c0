import { DataSource, QueryFailedError } from 'typeorm';
import { anInstallation, openDataSource, truncateTables } from '@storebridge/persistence/testing';
import { InstallationEntity } from '@storebridge/persistence';
import { InstallationRepository } from './installation.repository';

describe('InstallationRepository', () => {
  let dataSource: DataSource;
  let installations: InstallationRepository;

  beforeAll(async () => {
    dataSource = await openDataSource();
    installations = new InstallationRepository(dataSource.getRepository(InstallationEntity));
  });

  beforeEach(() => truncateTables(dataSource));

  afterAll(() => dataSource.destroy());

  it('creates an installation on first upsert and finds it by ShopiMind installation id', async () => {
    const installedAt = new Date('2026-01-02T03:04:05.000Z');

    const created = await installations.upsert(
      anInstallation({
        installationId: 'inst_1',
        shopName: 'Shop',
        accessTokenCiphertext: 'enc',
        installedAt,
      }),
    );

    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await installations.findByInstallationId('inst_1')).toEqual(
      expect.objectContaining({
        id: created.id,
        shopDomain: 'shop.example.com',
        shopName: 'Shop',
        status: 'installed',
        accessTokenCiphertext: 'enc',
        legacyShopIntegrationId: null,
        installedAt,
        activatedAt: null,
      }),
    );
  });

  it('updates in place on a repeated upsert and keeps fields the event did not carry', async () => {
    const first = await installations.upsert(
      anInstallation({ installationId: 'inst_1', accessTokenCiphertext: 'enc' }),
    );

    const second = await installations.upsert(
      anInstallation({ installationId: 'inst_1', status: 'active', shopDomain: 'new.example.com' }),
    );

    expect(second).toEqual(
      expect.objectContaining({
        id: first.id,
        status: 'active',
        shopDomain: 'new.example.com',
        accessTokenCiphertext: 'enc',
      }),
    );
    expect(second.updatedAt.getTime()).toBeGreaterThanOrEqual(first.updatedAt.getTime());
    expect(await dataSource.getRepository(InstallationEntity).count()).toBe(1);
  });

  it('finds an installation by its legacy shop integration id', async () => {
    const created = await installations.upsert(anInstallation({ legacyShopIntegrationId: '4242' }));

    expect((await installations.findByLegacyShopIntegrationId('4242'))?.id).toBe(created.id);
    expect(await installations.findByLegacyShopIntegrationId('4243')).toBeNull();
  });

  it('changes the status with its lifecycle timestamp', async () => {
    const created = await installations.upsert(anInstallation());
    const activatedAt = new Date('2026-03-01T10:00:00.000Z');

    const updated = await installations.updateStatus(created.id, 'active', { activatedAt });

    expect(updated).toEqual(expect.objectContaining({ status: 'active', activatedAt, deactivatedAt: null }));
  });

  it('answers null when updating the status of an unknown installation', async () => {
    expect(await installations.updateStatus('00000000-0000-0000-0000-000000000000', 'inactive')).toBeNull();
  });

  it('wipes the access token', async () => {
    const created = await installations.upsert(anInstallation({ accessTokenCiphertext: 'enc' }));

    await installations.setAccessTokenCiphertext(created.id, null);

    expect((await installations.findById(created.id))?.accessTokenCiphertext).toBeNull();
  });

  it('saves a loaded entity', async () => {
    const created = await installations.upsert(anInstallation());
    created.externalAccountId = 'ext_1';

    await installations.save(created);

    expect((await installations.findById(created.id))?.externalAccountId).toBe('ext_1');
  });

  it('rejects an unknown status (check constraint)', async () => {
    await expect(
      dataSource.query(
        `INSERT INTO installations (installation_id, shop_domain, status) VALUES ('x', 'y', 'paused')`,
      ),
    ).rejects.toThrow(QueryFailedError);
  });
});
