import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  PersistenceModule,
  PGLITE_IN_MEMORY,
  recordContentHash,
  StoreConnectionRepository,
  StoreProductReader,
} from '@storebridge/persistence';
import { aStoreConnection, insertInstallation } from '@storebridge/persistence/testing';
import { DataSource } from 'typeorm';
import { StoreProductRepository } from './store-product.repository';
import { SyncPersistenceModule } from './sync-persistence.module';
import { SyncRunRepository } from './sync-run.repository';

// Embedded mode runs the very same SQL on PGlite (architecture.md, Embedded mode), the repositories wired as the
// apps wire them. One application per file: each jest test file loads and compiles PGlite's WASM again.
describe('sync repositories on PGlite (in memory)', () => {
  let app: INestApplicationContext;

  beforeAll(async () => {
    @Module({
      imports: [
        PersistenceModule.forRoot({ dataDir: PGLITE_IN_MEMORY, retryAttempts: 0 }),
        SyncPersistenceModule,
      ],
    })
    class AppModule {}
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  });

  afterAll(() => app?.close());

  async function aConnection(storeToken: string): Promise<string> {
    const installation = await insertInstallation(app.get(DataSource), { status: 'active' });
    const connection = await app
      .get(StoreConnectionRepository)
      .upsertForInstallation(installation.id, aStoreConnection({ storeToken }));
    return connection.id;
  }

  it('runs the sync run SQL', async () => {
    const connectionId = await aConnection('st_pglite');
    const syncRuns = app.get(SyncRunRepository);
    const run = await syncRuns.start({ connectionId, entity: 'products', trigger: 'activate' });

    await syncRuns.recordPage(run.id, { nextPage: 2, recordsSeen: 5, warnings: { missing_price: 1 } });
    await syncRuns.recordPage(run.id, {
      nextPage: 3,
      recordsSeen: 5,
      warnings: { missing_price: 2 },
    });

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
  });

  it('runs the product mirror SQL', async () => {
    const connectionId = await aConnection('st_pglite_products');
    const products = app.get(StoreProductRepository);
    const reader = app.get(StoreProductReader);
    const syncRuns = app.get(SyncRunRepository);
    const product = (id: string, name: string) => ({
      id,
      name,
      price: 9.5,
      categories: ['Shirts'],
      tags: [],
      images: [`https://cdn.example.com/${id}.jpg`],
      url: `https://store.example.com/p/${id}`,
    });

    await products.upsertMany(connectionId, [product('p1', 'Old name'), product('p2', '50% off')]);
    await products.upsertMany(connectionId, [product('p1', 'Linen shirt')]);

    expect(await reader.findOne(connectionId, 'p1')).toMatchObject({
      name: 'Linen shirt',
      price: 9.5,
      imageUrl: 'https://cdn.example.com/p1.jpg',
      categories: ['Shirts'],
    });
    expect((await reader.search(connectionId, '%', 10)).map((found) => found.storeProductId)).toEqual(['p2']);
    expect([...(await products.findStates(connectionId, ['p1', 'p2', 'p9'])).keys()].sort()).toEqual([
      'p1',
      'p2',
    ]);
    const run = await syncRuns.start({ connectionId, entity: 'products', trigger: 'schedule' });
    const first = await products.recordSeen(connectionId, run.id, 1, ['p1', 'p3']);
    expect(first.firstTime).toBe(true);
    expect([...first.contentHashes.keys()]).toEqual(['p1']);
    expect((await products.recordSeen(connectionId, run.id, 1, ['p1'])).firstTime).toBe(false);
    expect((await products.findUnseen(connectionId, run.id)).fresh).toEqual(['p2']);
    await products.holdDeletions(connectionId, run.id, ['p2']);
    await products.releaseHeldDeletions(connectionId, run.id);
    expect(await products.findUnseen(connectionId, run.id)).toEqual({
      fresh: ['p2'],
      confirmed: [],
      mirrored: 2,
    });
    expect(await products.deleteMany(connectionId, ['p2', 'unknown'])).toBe(1);
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
    await products.recordSeen(connectionId, run.id, 2, ['p1'], {
      bodyHash: 'body',
      normalizationKey: 'key',
      contentHashes: new Map([['p1', recordContentHash(product('p1', 'Linen shirt'))]]),
      counts,
    });
    await syncRuns.finish(run.id, 'succeeded');
    const next = await syncRuns.start({ connectionId, entity: 'products', trigger: 'schedule' });
    expect(await products.findPageBodyHashes(connectionId, 'key')).toEqual(new Map([[2, 'body']]));
    expect(await products.recordUnchangedPage(connectionId, next.id, 2, 'body', 'key')).toEqual({
      firstTime: true,
      counts,
    });
    await products.forgetPagesFrom(connectionId, 1);
    expect(await products.findPageBodyHashes(connectionId, 'key')).toEqual(new Map());
  });
});
