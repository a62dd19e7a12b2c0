import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createDataSourceOptions } from './data-source.factory';
import { IdMappingEntity, InstallationEntity, StoreConnectionEntity, StoreProductEntity } from './entities';
import { runMigrations } from './migration-runner';
import { migrations } from './migrations';
import { PersistenceModule } from './persistence.module';
import { InstallationReader } from './readers/installation.reader';
import { StoreProductReader } from './readers/store-product.reader';
import { AdvisoryLockRepository } from './repositories/advisory-lock.repository';
import { StoreConnectionRepository } from './repositories/store-connection.repository';

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

  // The services' own repositories run their SQL on PGlite in their libs' embedded-mode specs.
  it('runs the shared repositories and readers hand-written SQL', async () => {
    await dataSource.getRepository(InstallationEntity).insert({
      installationId: 'inst_pglite',
      shopDomain: 'shop.example.com',
      status: 'active',
    });
    const installation = await dataSource
      .getRepository(InstallationEntity)
      .findOneByOrFail({ installationId: 'inst_pglite' });
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
    const product = (storeProductId: string, name: string) => ({
      connectionId: connection.id,
      storeProductId,
      name,
      price: 9.5,
      regularPrice: null,
      imageUrl: `https://cdn.example.com/${storeProductId}.jpg`,
      url: `https://store.example.com/p/${storeProductId}`,
      categories: ['Shirts'],
      contentHash: `hash of ${storeProductId}`,
      raw: null,
    });
    await dataSource
      .getRepository(StoreProductEntity)
      .insert([product('p1', 'Linen shirt'), product('p2', '50% off')]);
    await dataSource
      .getRepository(IdMappingEntity)
      .insert({ installationId: installation.id, entityType: 'product', storeId: 'p1', numericId: 1 });
    const products = new StoreProductReader(dataSource.getRepository(StoreProductEntity));

    expect(
      (await new InstallationReader(dataSource.getRepository(InstallationEntity)).findById(installation.id))
        ?.installationId,
    ).toBe('inst_pglite');
    expect(await products.findOne(connection.id, 'p1')).toMatchObject({
      name: 'Linen shirt',
      price: 9.5,
      imageUrl: 'https://cdn.example.com/p1.jpg',
      categories: ['Shirts'],
    });
    expect((await products.search(connection.id, '%', 10)).map((found) => found.storeProductId)).toEqual([
      'p2',
    ]);
    expect(await products.findHeldIds(connection.id, ['p1', 'p3'])).toEqual(new Set(['p1']));
    expect(await connections.deleteByInstallation(installation.id)).toBe(true);
    expect(await connections.findById(connection.id)).toBeNull();
    expect(await dataSource.getRepository(IdMappingEntity).count()).toBe(1);
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
    await first.get(DataSource).getRepository(InstallationEntity).insert({
      installationId: 'inst_embedded',
      shopDomain: 'shop.example.com',
      status: 'installed',
    });
    const created = await first
      .get(DataSource)
      .getRepository(InstallationEntity)
      .findOneByOrFail({ installationId: 'inst_embedded' });
    await first.close();
    expect(existsSync(join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);

    const second = await boot(dataDir);
    try {
      expect((await second.get(InstallationReader).findById(created.id))?.installationId).toBe(
        'inst_embedded',
      );
    } finally {
      await second.close();
    }
  });
});
