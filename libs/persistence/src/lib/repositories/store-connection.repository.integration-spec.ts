import { DataSource } from 'typeorm';
import { aStoreConnection, insertInstallation } from '../../test/factories';
import { openDataSource, truncateTables } from '../../test/integration-database';
import {
  IdMappingEntity,
  InstallationEntity,
  InstallationStatus,
  StoreConnectionEntity,
  SyncRunEntity,
} from '../entities';
import { StoreConnectionRepository } from './store-connection.repository';

describe('StoreConnectionRepository', () => {
  let dataSource: DataSource;
  let connections: StoreConnectionRepository;

  beforeAll(async () => {
    dataSource = await openDataSource();
    connections = new StoreConnectionRepository(dataSource.getRepository(StoreConnectionEntity));
  });

  beforeEach(() => truncateTables(dataSource));

  afterAll(() => dataSource.destroy());

  it('creates the connection of an installation and finds it by id, installation and store token', async () => {
    const installation = await insertInstallation(dataSource);

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
        perPage: 25,
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

  it('finds every connection to one base URL, the last reconfigured first, and none for another', async () => {
    const [first, second, other] = [
      await insertInstallation(dataSource),
      await insertInstallation(dataSource),
      await insertInstallation(dataSource),
    ];
    const older = await connections.upsertForInstallation(first.id, aStoreConnection({ storeToken: 'st_a' }));
    const newer = await connections.upsertForInstallation(
      second.id,
      aStoreConnection({ storeToken: 'st_b' }),
    );
    await connections.upsertForInstallation(
      other.id,
      aStoreConnection({ storeToken: 'st_c', baseUrl: 'https://other.example.com' }),
    );

    const found = await connections.findByBaseUrl('https://store.example.com');

    expect(found.map((connection) => connection.id)).toEqual([newer.id, older.id]);
    expect(await connections.findByBaseUrl('https://unknown.example.com')).toEqual([]);
  });

  it('reconfigures in place: same id and store token, new credentials and mappings', async () => {
    const installation = await insertInstallation(dataSource);
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
        perPage: 100,
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
        perPage: 100,
        webhookSecretCiphertext: 'secret',
        configFingerprint: 'fp_2',
      }),
    );
    expect(await dataSource.getRepository(StoreConnectionEntity).count()).toBe(1);
  });

  it.each([1, 100])('stores a page size of %p (the per_page bounds)', async (perPage) => {
    const installation = await insertInstallation(dataSource);

    const created = await connections.upsertForInstallation(installation.id, aStoreConnection({ perPage }));

    expect((await connections.findById(created.id))?.perPage).toBe(perPage);
  });

  it.each([0, 101])('refuses a page size of %p (CHK_store_connections_per_page)', async (perPage) => {
    const installation = await insertInstallation(dataSource);

    await expect(
      connections.upsertForInstallation(installation.id, aStoreConnection({ perPage })),
    ).rejects.toThrow(/CHK_store_connections_per_page/);
    expect(await connections.findByInstallation(installation.id)).toBeNull();
  });

  it('gives a connection written without a page size the spec default of 50', async () => {
    const installation = await insertInstallation(dataSource);
    const { perPage: _omitted, ...withoutPerPage } = aStoreConnection();

    await dataSource
      .getRepository(StoreConnectionEntity)
      .insert({ ...withoutPerPage, installationId: installation.id });

    expect((await connections.findByInstallation(installation.id))?.perPage).toBe(50);
  });

  it('lists the connections of active installations only', async () => {
    const active = await insertInstallation(dataSource, { status: 'active' });
    const inactive = await insertInstallation(dataSource, { status: 'inactive' });
    const activeConnection = await connections.upsertForInstallation(active.id, aStoreConnection());
    await connections.upsertForInstallation(inactive.id, aStoreConnection());

    const listed = await connections.findAllOfActiveInstallations();

    expect(listed.map((connection) => connection.id)).toEqual([activeConnection.id]);
  });

  describe('claimDueSyncs', () => {
    const now = new Date('2026-11-23T12:00:00.000Z');
    const minutes = (count: number): number => count * 60_000;
    const at = (offsetMs: number): Date => new Date(now.getTime() + offsetMs);

    /** A connection of an installation activated long ago, with its next slot at `nextSyncAt`. */
    async function scheduled(
      nextSyncAt: Date | null,
      {
        status = 'active',
        syncIntervalMinutes = 60,
        activatedAt = at(-minutes(10_000)),
      }: { status?: InstallationStatus; syncIntervalMinutes?: number; activatedAt?: Date } = {},
    ): Promise<StoreConnectionEntity> {
      const installation = await insertInstallation(dataSource, { status, activatedAt });
      const connection = await connections.upsertForInstallation(
        installation.id,
        aStoreConnection({ syncIntervalMinutes }),
      );
      await dataSource.getRepository(StoreConnectionEntity).update({ id: connection.id }, { nextSyncAt });
      return connection;
    }

    async function nextSyncAtOf(id: string): Promise<Date | null> {
      return (await connections.findById(id))?.nextSyncAt ?? null;
    }

    it('claims the due connections and moves each one interval past now', async () => {
      const due = await scheduled(at(-minutes(5)), { syncIntervalMinutes: 30 });
      const dueNow = await scheduled(now, { syncIntervalMinutes: 1440 });
      const notDue = await scheduled(at(minutes(1)));

      const claimed = await connections.claimDueSyncs(now, 10);

      expect(claimed).toEqual(
        expect.arrayContaining([
          { id: due.id, syncIntervalMinutes: 30, dueAt: at(-minutes(5)), nextSyncAt: at(minutes(30)) },
          { id: dueNow.id, syncIntervalMinutes: 1440, dueAt: now, nextSyncAt: at(minutes(1440)) },
        ]),
      );
      expect(claimed).toHaveLength(2);
      expect(await nextSyncAtOf(due.id)).toEqual(at(minutes(30)));
      expect(await nextSyncAtOf(notDue.id)).toEqual(at(minutes(1)));
      expect(await connections.claimDueSyncs(now, 10)).toEqual([]);
    });

    it('skips the connections of installations that are not active', async () => {
      const inactive = await scheduled(at(-minutes(5)), { status: 'inactive' });
      await scheduled(at(-minutes(5)), { status: 'installed' });

      expect(await connections.claimDueSyncs(now, 10)).toEqual([]);
      expect(await nextSyncAtOf(inactive.id)).toEqual(at(-minutes(5)));
    });

    it('initialises a connection never scheduled without returning it', async () => {
      const fresh = await scheduled(null, { syncIntervalMinutes: 45 });

      expect(await connections.claimDueSyncs(now, 10)).toEqual([]);
      expect(await nextSyncAtOf(fresh.id)).toEqual(at(minutes(45)));
    });

    it('counts a recent activation as the due slot and schedules the next one an interval after it', async () => {
      const reactivated = await scheduled(at(-minutes(500)), { activatedAt: at(-minutes(20)) });

      expect(await connections.claimDueSyncs(now, 10)).toEqual([]);
      expect(await nextSyncAtOf(reactivated.id)).toEqual(at(minutes(40)));
    });

    it('claims at most `limit` connections, oldest slot first', async () => {
      const oldest = await scheduled(at(-minutes(30)));
      await scheduled(at(-minutes(10)));

      const claimed = await connections.claimDueSyncs(now, 1);

      expect(claimed.map((claim) => claim.id)).toEqual([oldest.id]);
    });

    it('gives a claimed slot back unless the connection was rescheduled since', async () => {
      const connection = await scheduled(at(-minutes(5)));
      const [claim] = await connections.claimDueSyncs(now, 10);

      expect(await connections.releaseSyncClaim(claim)).toBe(true);
      expect(await nextSyncAtOf(connection.id)).toEqual(at(-minutes(5)));

      const [reclaimed] = await connections.claimDueSyncs(now, 10);
      expect(reclaimed.id).toBe(connection.id);
      await connections.claimDueSyncs(at(minutes(120)), 10);
      expect(await connections.releaseSyncClaim(reclaimed)).toBe(false);
    });

    it('never hands the same connection to two concurrent claimers', async () => {
      const due = await Promise.all(Array.from({ length: 20 }, () => scheduled(at(-minutes(1)))));
      // A second pool: the claims really run on separate connections, as on two replicas.
      const otherReplica = await openDataSource();
      try {
        const otherConnections = new StoreConnectionRepository(
          otherReplica.getRepository(StoreConnectionEntity),
        );
        const claims = await Promise.all(
          Array.from({ length: 6 }, (_, index) =>
            (index % 2 === 0 ? connections : otherConnections).claimDueSyncs(now, 4),
          ),
        );
        const ids = claims.flat().map((claim) => claim.id);

        expect(new Set(ids).size).toBe(ids.length);
        const rest = await connections.claimDueSyncs(now, 100);
        expect([...ids, ...rest.map((claim) => claim.id)].sort()).toEqual(
          due.map((connection) => connection.id).sort(),
        );
      } finally {
        await otherReplica.destroy();
      }
    });
  });

  it('deletes the connection of an installation with its sync runs, keeping the id mappings', async () => {
    const installation = await insertInstallation(dataSource);
    const other = await insertInstallation(dataSource);
    const connection = await connections.upsertForInstallation(installation.id, aStoreConnection());
    // Sync's and push's rows, written through the entities: their repositories live in their services' libs.
    await dataSource
      .getRepository(SyncRunEntity)
      .insert({ connectionId: connection.id, entity: 'products', trigger: 'activate', status: 'running' });
    await dataSource.getRepository(IdMappingEntity).insert([
      { installationId: installation.id, entityType: 'product', storeId: 'p1', numericId: 1 },
      { installationId: installation.id, entityType: 'product', storeId: 'p2', numericId: 2 },
      { installationId: other.id, entityType: 'product', storeId: 'p1', numericId: 1 },
    ]);

    expect(await connections.deleteByInstallation(installation.id)).toBe(true);
    expect(await connections.deleteByInstallation(installation.id)).toBe(false);
    expect(await connections.findById(connection.id)).toBeNull();
    expect(await dataSource.getRepository(SyncRunEntity).count()).toBe(0);
    // A reinstall of the shop finds ShopiMind's records under the same numbers.
    expect(await dataSource.getRepository(IdMappingEntity).countBy({ installationId: installation.id })).toBe(
      2,
    );
    expect(await dataSource.getRepository(IdMappingEntity).countBy({ installationId: other.id })).toBe(1);
  });

  it('goes away with its installation (on delete cascade)', async () => {
    const installation = await insertInstallation(dataSource);
    const connection = await connections.upsertForInstallation(installation.id, aStoreConnection());

    await dataSource.getRepository(InstallationEntity).delete({ id: installation.id });

    expect(await connections.findById(connection.id)).toBeNull();
  });
});
