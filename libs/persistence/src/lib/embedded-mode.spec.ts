import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createDataSourceOptions } from './data-source.factory';
import {
  IdMappingEntity,
  InstallationEntity,
  StoreConnectionEntity,
  StoreProductEntity,
  SyncRunEntity,
} from './entities';
import { runMigrations } from './migration-runner';
import { migrations } from './migrations';
import { PersistenceModule } from './persistence.module';
import { AdvisoryLockRepository } from './repositories/advisory-lock.repository';
import { IdMappingRepository } from './repositories/id-mapping.repository';
import { InstallationRepository } from './repositories/installation.repository';
import { StoreConnectionRepository } from './repositories/store-connection.repository';
import { StoreProductRepository } from './repositories/store-product.repository';
import { recordContentHash } from './repositories/store-record-mirror';
import { SyncRunRepository } from './repositories/sync-run.repository';

// Embedded mode runs the very same migrations and SQL on PGlite (architecture.md, Embedded mode).
// One file on purpose: each jest test file loads and compiles PGlite's WASM again (seconds of CPU), and
// typeorm-pglite keeps one PGlite per process, so the databases below are opened one after the other.
describe('schema and repositories on PGlite (in memory)', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await new DataSource(createDataSourceOptions({ dataDir: 'memory://' })).initialize();
  });

  afterAll(() => dataSource.destroy());

  it('applies the migrations once, without deadlocking on the advisory lock', async () => {
    expect(await runMigrations(dataSource)).toHaveLength(migrations.length);
    expect(await runMigrations(dataSource)).toEqual([]);
  });

  it('leaves nothing for TypeORM to generate after migrating (no schema drift)', async () => {
    const sql = await dataSource.driver.createSchemaBuilder().log();

    expect(sql.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('runs the repositories hand-written SQL', async () => {
    const installation = await new InstallationRepository(
      dataSource.getRepository(InstallationEntity),
    ).upsert({
      installationId: 'inst_pglite',
      shopDomain: 'shop.example.com',
      status: 'active',
    });
    const connections = new StoreConnectionRepository(dataSource.getRepository(StoreConnectionEntity));
    const connection = await connections.upsertForInstallation(installation.id, {
      baseUrl: 'https://store.example.com',
      authMethod: 'bearer',
      credentialsCiphertext: 'enc',
      paths: { health: '/health', products: '/api/products', orders: '/api/orders' },
      fieldMappings: { products: {}, orders: {} },
      lang: 'en',
      currency: 'USD',
      syncIntervalMinutes: 15,
      perPage: 100,
      storeToken: 'st_pglite',
    });
    const syncRuns = new SyncRunRepository(dataSource.getRepository(SyncRunEntity));
    const run = await syncRuns.start({
      connectionId: connection.id,
      entity: 'products',
      trigger: 'activate',
    });
    const idMappings = new IdMappingRepository(dataSource.getRepository(IdMappingEntity));

    await syncRuns.recordPage(run.id, { nextPage: 2, recordsSeen: 5, warnings: { missing_price: 1 } });
    await syncRuns.recordPage(run.id, {
      nextPage: 3,
      recordsSeen: 5,
      warnings: { missing_price: 2 },
    });
    const first = await idMappings.numericIdsFor(installation.id, 'product', ['prod_1', 'prod_2']);
    const again = await idMappings.numericIdsFor(installation.id, 'product', ['prod_2', 'prod_1', 'prod_3']);

    expect(await syncRuns.findById(run.id)).toEqual(
      expect.objectContaining({
        nextPage: 3,
        pagesFetched: 2,
        recordsSeen: 10,
        warnings: { missing_price: 3 },
      }),
    );
    expect(await syncRuns.finish(run.id, 'succeeded')).toEqual(
      expect.objectContaining({ status: 'succeeded' }),
    );
    expect(again.get('prod_1')).toBe(first.get('prod_1'));
    expect(again.get('prod_2')).toBe(first.get('prod_2'));
    expect(new Set(again.values()).size).toBe(3);
    expect(await connections.deleteByInstallation(installation.id)).toBe(true);
  });

  it('runs the product mirror SQL', async () => {
    const installation = await new InstallationRepository(
      dataSource.getRepository(InstallationEntity),
    ).upsert({
      installationId: 'inst_pglite_products',
      shopDomain: 'shop.example.com',
      status: 'active',
    });
    const connection = await new StoreConnectionRepository(
      dataSource.getRepository(StoreConnectionEntity),
    ).upsertForInstallation(installation.id, {
      baseUrl: 'https://store.example.com',
      authMethod: 'bearer',
      credentialsCiphertext: 'enc',
      paths: { health: '/health', products: '/api/products', orders: '/api/orders' },
      fieldMappings: { products: {}, orders: {} },
      lang: 'en',
      currency: 'USD',
      syncIntervalMinutes: 15,
      perPage: 100,
      storeToken: 'st_pglite_products',
    });
    const products = new StoreProductRepository(dataSource.getRepository(StoreProductEntity));
    const syncRuns = new SyncRunRepository(dataSource.getRepository(SyncRunEntity));
    const product = (id: string, name: string) => ({
      id,
      name,
      price: 9.5,
      categories: ['Shirts'],
      tags: [],
      images: [`https://cdn.example.com/${id}.jpg`],
      url: `https://store.example.com/p/${id}`,
    });

    await products.upsertMany(connection.id, [product('p1', 'Old name'), product('p2', '50% off')]);
    await products.upsertMany(connection.id, [product('p1', 'Linen shirt')]);

    expect(await products.findOne(connection.id, 'p1')).toMatchObject({
      name: 'Linen shirt',
      price: 9.5,
      imageUrl: 'https://cdn.example.com/p1.jpg',
      categories: ['Shirts'],
    });
    expect((await products.search(connection.id, '%', 10)).map((found) => found.storeProductId)).toEqual([
      'p2',
    ]);
    const run = await syncRuns.start({
      connectionId: connection.id,
      entity: 'products',
      trigger: 'schedule',
    });
    const first = await products.recordSeen(connection.id, run.id, 1, ['p1', 'p3']);
    expect(first.firstTime).toBe(true);
    expect([...first.contentHashes.keys()]).toEqual(['p1']);
    expect((await products.recordSeen(connection.id, run.id, 1, ['p1'])).firstTime).toBe(false);
    expect((await products.findUnseen(connection.id, run.id)).fresh).toEqual(['p2']);
    await products.holdDeletions(connection.id, run.id, ['p2']);
    await products.releaseHeldDeletions(connection.id, run.id);
    expect(await products.findUnseen(connection.id, run.id)).toEqual({
      fresh: ['p2'],
      confirmed: [],
      mirrored: 2,
    });
    expect(await products.deleteMany(connection.id, ['p2', 'unknown'])).toBe(1);
    await syncRuns.recordPage(run.id, {
      nextPage: 2,
      skippedRecords: [{ page: 1, index: 3, reason: 'missing_id' }],
      stopReason: 'short_page',
      endConfirmed: true,
    });
    expect(await syncRuns.findById(run.id)).toMatchObject({
      skippedRecords: [{ page: 1, index: 3, reason: 'missing_id' }],
      stopReason: 'short_page',
      endConfirmed: true,
    });

    const counts = { recordsValid: 1, recordsSkipped: 0, warnings: {} };
    await products.recordSeen(connection.id, run.id, 2, ['p1'], {
      bodyHash: 'body',
      normalizationKey: 'key',
      contentHashes: new Map([['p1', recordContentHash(product('p1', 'Linen shirt'))]]),
      counts,
    });
    await syncRuns.finish(run.id, 'succeeded');
    const next = await syncRuns.start({
      connectionId: connection.id,
      entity: 'products',
      trigger: 'schedule',
    });
    expect(await products.findPageBodyHashes(connection.id, 'key')).toEqual(new Map([[2, 'body']]));
    expect(await products.recordUnchangedPage(connection.id, next.id, 2, 'body', 'key')).toEqual({
      firstTime: true,
      counts,
    });
    await products.forgetPagesFrom(connection.id, 1);
    expect(await products.findPageBodyHashes(connection.id, 'key')).toEqual(new Map());
  });

  it('runs the advisory lock SQL, and excludes a second holder within the one embedded session', async () => {
    const locks = new AdvisoryLockRepository(dataSource);

    const outcome = await locks.tryWithLock('sync:pglite', () =>
      locks.tryWithLock('sync:pglite', () => Promise.resolve('nested')),
    );

    expect(outcome).toEqual({ acquired: true, result: { acquired: false } });
    expect(await locks.tryWithLock('sync:pglite', () => Promise.resolve('again'))).toEqual({
      acquired: true,
      result: 'again',
    });
  });
});

async function boot(dataDir: string): Promise<INestApplicationContext> {
  @Module({ imports: [PersistenceModule.forRoot({ dataDir, retryAttempts: 0 })] })
  class AppModule {}
  return NestFactory.createApplicationContext(AppModule, { logger: false });
}

describe('PersistenceModule in embedded mode (PGlite)', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'persistence-module-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('migrates the embedded database at boot and keeps the data in its folder across restarts', async () => {
    const first = await boot(dataDir);
    const created = await first.get(InstallationRepository).upsert({
      installationId: 'inst_embedded',
      shopDomain: 'shop.example.com',
      status: 'installed',
    });
    await first.close();
    expect(existsSync(join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);

    const second = await boot(dataDir);
    try {
      expect((await second.get(InstallationRepository).findByInstallationId('inst_embedded'))?.id).toBe(
        created.id,
      );
    } finally {
      await second.close();
    }
  });
});
