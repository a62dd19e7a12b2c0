import { DataSource, QueryFailedError } from 'typeorm';
import {
  aStoreConnection,
  anInstallation,
  openDataSource,
  truncateTables,
} from '@storebridge/persistence/testing';
import {
  InstallationEntity,
  StoreConnectionEntity,
  StoreConnectionRepository,
} from '@storebridge/persistence';
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
  describe('reinstall (README: a reinstall of a shop takes its uninstalled row up again)', () => {
    async function mappingsOf(
      installationId: string,
    ): Promise<Array<{ store_id: string; numeric_id: string }>> {
      return dataSource.query(
        `SELECT "store_id", "numeric_id"::text FROM "id_mappings" WHERE "installation_id" = $1 ORDER BY "store_id"`,
        [installationId],
      );
    }

    it('uninstalls in one go: connection deleted, token wiped, row marked, id mappings kept', async () => {
      const created = await installations.upsert(
        anInstallation({ accessTokenCiphertext: 'enc', status: 'active' }),
      );
      await new StoreConnectionRepository(
        dataSource.getRepository(StoreConnectionEntity),
      ).upsertForInstallation(created.id, aStoreConnection());
      await dataSource.query(
        `INSERT INTO "id_mappings" ("installation_id", "entity_type", "store_id", "numeric_id")
         VALUES ($1, 'product', 'prod_1', 4294967301), ($1, 'product', 'prod_2', 4294967302)`,
        [created.id],
      );
      const uninstalledAt = new Date('2026-04-01T10:00:00.000Z');

      await installations.uninstall(created.id, uninstalledAt);

      expect(await installations.findById(created.id)).toEqual(
        expect.objectContaining({ status: 'uninstalled', accessTokenCiphertext: null, uninstalledAt }),
      );
      expect(
        await dataSource.getRepository(StoreConnectionEntity).countBy({ installationId: created.id }),
      ).toBe(0);
      expect(await mappingsOf(created.id)).toEqual([
        { store_id: 'prod_1', numeric_id: '4294967301' },
        { store_id: 'prod_2', numeric_id: '4294967302' },
      ]);
    });

    it('finds the last uninstalled installation of a shop by its domain (any case) or legacy id', async () => {
      const older = await installations.upsert(anInstallation({ shopDomain: 'Shop.Example.com' }));
      const newer = await installations.upsert(anInstallation({ shopDomain: 'shop.example.com' }));
      const legacy = await installations.upsert(
        anInstallation({ shopDomain: '', legacyShopIntegrationId: '77' }),
      );
      await installations.uninstall(older.id, new Date('2026-01-01T00:00:00.000Z'));
      await installations.uninstall(newer.id, new Date('2026-02-01T00:00:00.000Z'));
      await installations.uninstall(legacy.id, new Date('2026-03-01T00:00:00.000Z'));

      expect((await installations.findUninstalledOfShop({ shopDomain: 'SHOP.example.com' }))?.id).toBe(
        newer.id,
      );
      expect((await installations.findUninstalledOfShop({ legacyShopIntegrationId: '77' }))?.id).toBe(
        legacy.id,
      );
      expect(await installations.findUninstalledOfShop({ shopDomain: 'other.example.com' })).toBeNull();
      expect(await installations.findUninstalledOfShop({ shopDomain: '' })).toBeNull();
    });

    it('never finds an installation of the shop that is not uninstalled', async () => {
      await installations.upsert(anInstallation({ shopDomain: 'live.example.com', status: 'active' }));

      expect(await installations.findUninstalledOfShop({ shopDomain: 'live.example.com' })).toBeNull();
    });

    it('installs an uninstalled row again under a new installation id, keeping its id and its mappings', async () => {
      const created = await installations.upsert(anInstallation({ installationId: 'inst_old' }));
      await dataSource.query(
        `INSERT INTO "id_mappings" ("installation_id", "entity_type", "store_id", "numeric_id")
         VALUES ($1, 'product', 'prod_1', 4294967301)`,
        [created.id],
      );
      await installations.uninstall(created.id, new Date());
      const installedAt = new Date('2026-05-01T00:00:00.000Z');

      const reinstalled = await installations.reinstall(
        created.id,
        anInstallation({
          installationId: 'inst_new',
          accessTokenCiphertext: 'enc2',
          installedAt,
          activatedAt: null,
          uninstalledAt: null,
        }),
      );

      expect(reinstalled).toEqual(
        expect.objectContaining({
          id: created.id,
          installationId: 'inst_new',
          status: 'installed',
          accessTokenCiphertext: 'enc2',
          installedAt,
          uninstalledAt: null,
        }),
      );
      expect(await installations.findByInstallationId('inst_old')).toBeNull();
      expect(await mappingsOf(created.id)).toEqual([{ store_id: 'prod_1', numeric_id: '4294967301' }]);
      expect(await dataSource.getRepository(InstallationEntity).count()).toBe(1);
    });

    it('reinstalls nothing but an uninstalled row', async () => {
      const live = await installations.upsert(
        anInstallation({ installationId: 'inst_live', status: 'active' }),
      );

      expect(
        await installations.reinstall(live.id, anInstallation({ installationId: 'inst_thief' })),
      ).toBeNull();
      expect((await installations.findById(live.id))?.installationId).toBe('inst_live');
    });
  });
});
