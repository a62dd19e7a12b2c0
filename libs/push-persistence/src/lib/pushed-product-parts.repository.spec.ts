import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PersistenceModule, PGLITE_IN_MEMORY, StoreConnectionRepository } from '@storebridge/persistence';
import { aStoreConnection, insertInstallation } from '@storebridge/persistence/testing';
import { DataSource } from 'typeorm';
import { PushPersistenceModule } from './push-persistence.module';
import { PushedProductPartsRepository } from './pushed-product-parts.repository';

describe('PushedProductPartsRepository (PGlite, in memory)', () => {
  let app: INestApplicationContext;
  let parts: PushedProductPartsRepository;
  let connectionId: string;

  beforeAll(async () => {
    @Module({
      imports: [
        PersistenceModule.forRoot({ dataDir: PGLITE_IN_MEMORY, retryAttempts: 0 }),
        PushPersistenceModule,
      ],
    })
    class AppModule {}
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    parts = app.get(PushedProductPartsRepository);
  });

  beforeEach(async () => {
    const installation = await insertInstallation(app.get(DataSource), { status: 'active' });
    const connection = await app
      .get(StoreConnectionRepository)
      .upsertForInstallation(installation.id, aStoreConnection());
    connectionId = connection.id;
  });

  afterAll(() => app?.close());

  it('keeps the parts of each product, in the order sent, and replaces them', async () => {
    await parts.save(
      connectionId,
      new Map([
        ['p1', { variationIds: ['11', '12'], imageIds: ['b', 'a'] }],
        ['p2', { variationIds: [], imageIds: ['c'] }],
      ]),
    );
    const first = await parts.findFor(connectionId, ['p1']);
    await parts.save(connectionId, new Map([['p1', { variationIds: ['12'], imageIds: ['a', 'b'] }]]));

    const found = await parts.findFor(connectionId, ['p1', 'p2', 'p3']);
    expect(found).toEqual(
      new Map([
        ['p1', { variationIds: ['12'], imageIds: ['a', 'b'], savedAt: expect.any(Date) }],
        ['p2', { variationIds: [], imageIds: ['c'], savedAt: expect.any(Date) }],
      ]),
    );
    // When they were kept: what a redelivered message compares with the acceptance of their product.
    expect(found.get('p1')?.savedAt.getTime()).toBeGreaterThanOrEqual(
      first.get('p1')?.savedAt.getTime() ?? Infinity,
    );
  });

  it('keeps no row for a product left without parts, nor for a forgotten one', async () => {
    await parts.save(
      connectionId,
      new Map([
        ['p1', { variationIds: ['11'], imageIds: [] }],
        ['p2', { variationIds: [], imageIds: ['c'] }],
      ]),
    );
    await parts.save(connectionId, new Map([['p1', { variationIds: [], imageIds: [] }]]));
    await parts.forget(connectionId, ['p2']);

    expect(await parts.findFor(connectionId, ['p1', 'p2'])).toEqual(new Map());
  });
});
