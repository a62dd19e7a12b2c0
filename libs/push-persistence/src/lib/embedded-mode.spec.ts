import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  PersistenceModule,
  PGLITE_IN_MEMORY,
  PushLedgerReader,
  StoreConnectionRepository,
} from '@storebridge/persistence';
import { aStoreConnection, insertInstallation } from '@storebridge/persistence/testing';
import { DataSource } from 'typeorm';
import { IdMappingRepository } from './id-mapping.repository';
import { PushOutcomeRepository } from './push-outcome.repository';
import { PushPersistenceModule } from './push-persistence.module';

// Embedded mode runs the very same SQL on PGlite (architecture.md, Embedded mode), the repositories wired as the
// apps wire them.
describe('push repositories on PGlite (in memory)', () => {
  let app: INestApplicationContext;

  beforeAll(async () => {
    @Module({
      imports: [
        PersistenceModule.forRoot({ dataDir: PGLITE_IN_MEMORY, retryAttempts: 0 }),
        PushPersistenceModule,
      ],
    })
    class AppModule {}
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  });

  afterAll(() => app?.close());

  it('runs the id mapping SQL', async () => {
    const installation = await insertInstallation(app.get(DataSource), { status: 'active' });
    const idMappings = app.get(IdMappingRepository);

    const first = await idMappings.numericIdsFor(installation.id, 'product', ['prod_1', 'prod_2']);
    const again = await idMappings.numericIdsFor(installation.id, 'product', ['prod_2', 'prod_1', 'prod_3']);

    expect(again.get('prod_1')).toBe(first.get('prod_1'));
    expect(again.get('prod_2')).toBe(first.get('prod_2'));
    expect(new Set(again.values()).size).toBe(3);
  });

  it('runs the push ledger SQL', async () => {
    const installation = await insertInstallation(app.get(DataSource), { status: 'active' });
    const connection = await app
      .get(StoreConnectionRepository)
      .upsertForInstallation(installation.id, aStoreConnection());
    const outcomes = app.get(PushOutcomeRepository);
    const ledger = app.get(PushLedgerReader);

    await outcomes.record(connection.id, 'products', [
      { storeId: 'p1', contentHash: 'h1', status: 'rejected', reasons: ['bad'], record: { id: 'p1' } },
      { storeId: 'p2', contentHash: 'h2', status: 'accepted' },
    ]);

    expect((await ledger.findRejected({ connectionId: connection.id })).map((row) => row.storeId)).toEqual([
      'p1',
    ]);
    expect(await ledger.summary(connection.id, 'products')).toEqual({
      accepted: 0,
      rejected: 0,
      pending: 0,
      leftOut: 0,
    });
  });

  it('runs the SQL of pending deletes and derived records', async () => {
    const installation = await insertInstallation(app.get(DataSource), { status: 'active' });
    const connection = await app
      .get(StoreConnectionRepository)
      .upsertForInstallation(installation.id, aStoreConnection());
    const outcomes = app.get(PushOutcomeRepository);
    const ledger = app.get(PushLedgerReader);

    await outcomes.markDeletePending(connection.id, 'orders', ['o1'], 'HTTP 422: no');
    await outcomes.record(connection.id, 'orders', [
      { storeId: 'o2', contentHash: 'h2', status: 'accepted', refs: { customers: ['ann'] } },
    ]);
    await outcomes.recordDerived(connection.id, 'customers', ['ann', 'bob']);

    const later = new Date(Date.now() + 2 * 60_000);
    expect((await outcomes.findDueDeletes(connection.id, ['orders'], later)).get('orders')).toEqual(['o1']);
    // No order is in sync's mirror here: none points at anyone.
    expect(await ledger.findUnreferenced(connection.id, 'customers', later)).toEqual({
      known: true,
      ids: ['ann', 'bob'],
    });
  });
});
