import type { NormalizedOrder, NormalizedProduct } from '@storebridge/contracts';
import {
  PushLedgerReader,
  PushOutcomeEntity,
  recordContentHash,
  StoreConnectionEntity,
  StoreConnectionRepository,
  StoreOrderEntity,
  StoreProductEntity,
} from '@storebridge/persistence';
import {
  aPersistedConnection,
  aStoreConnection,
  openDataSource,
  truncateTables,
} from '@storebridge/persistence/testing';
import { DataSource } from 'typeorm';
import { PushOutcomeRepository } from './push-outcome.repository';

function aProduct(id: string, name = `Product ${id}`): NormalizedProduct {
  return { id, name, categories: [], tags: [], images: [], url: `https://store.example.com/p/${id}` };
}

describe('PushOutcomeRepository', () => {
  let dataSource: DataSource;
  let connections: StoreConnectionRepository;
  let outcomes: PushOutcomeRepository;
  // The ledger's listings live in the shared reader; read back through it what this repository wrote.
  let ledger: PushLedgerReader;
  let connectionId: string;

  const aConnection = () => aPersistedConnection(dataSource);

  // Sync's mirrors, as sync writes them (content hash of the record), through the entities: push never writes them.
  const mirrorProducts = (connection: string, records: NormalizedProduct[]) =>
    dataSource.getRepository(StoreProductEntity).insert(
      records.map((product) => ({
        connectionId: connection,
        storeProductId: product.id,
        name: product.name,
        price: null,
        regularPrice: null,
        imageUrl: null,
        url: product.url,
        categories: product.categories,
        contentHash: recordContentHash(product),
        raw: null,
      })),
    );
  const mirrorOrders = (connection: string, records: NormalizedOrder[]) =>
    dataSource.getRepository(StoreOrderEntity).insert(
      records.map((order) => ({
        connectionId: connection,
        storeOrderId: order.id,
        contentHash: recordContentHash(order),
        raw: null,
      })),
    );

  beforeAll(async () => {
    dataSource = await openDataSource();
    connections = new StoreConnectionRepository(dataSource.getRepository(StoreConnectionEntity));
    outcomes = new PushOutcomeRepository(dataSource.getRepository(PushOutcomeEntity));
    ledger = new PushLedgerReader(dataSource.getRepository(PushOutcomeEntity));
  });

  beforeEach(async () => {
    await truncateTables(dataSource);
    connectionId = await aConnection();
  });

  afterAll(() => dataSource.destroy());

  it('keeps a rejected record with its reasons, counts rejections in a row, and forgets both once accepted', async () => {
    const lamp = aProduct('p1', 'Lamp');
    const rejected = { storeId: 'p1', contentHash: 'h1', status: 'rejected' as const, record: lamp };

    await outcomes.record(connectionId, 'products', [{ ...rejected, reasons: ['price: must be a number'] }]);
    await outcomes.record(connectionId, 'products', [{ ...rejected, reasons: ['price: required'] }]);

    expect(await ledger.findRejected({ connectionId })).toEqual([
      expect.objectContaining({
        storeId: 'p1',
        entity: 'products',
        contentHash: 'h1',
        reasons: ['price: required'],
        attempts: 2,
        record: lamp,
      }),
    ]);

    await outcomes.record(connectionId, 'products', [
      { storeId: 'p1', contentHash: 'h2', status: 'accepted' },
    ]);

    expect(await ledger.findRejected({ connectionId })).toEqual([]);
    expect(await outcomes.findOne(connectionId, 'products', 'p1')).toMatchObject({
      status: 'accepted',
      contentHash: 'h2',
      reasons: [],
      attempts: 0,
      record: null,
    });
  });

  it('tells, for every record sync emitted, whether its current version was accepted, rejected or is pending', async () => {
    const [p1, p2, p3, p4] = ['p1', 'p2', 'p3', 'p4'].map((id) => aProduct(id));
    await mirrorProducts(connectionId, [p1, p2, p3, p4]);
    await outcomes.record(connectionId, 'products', [
      { storeId: 'p1', contentHash: recordContentHash(p1), status: 'accepted' },
      { storeId: 'p2', contentHash: recordContentHash(p2), status: 'rejected', reasons: ['bad'], record: p2 },
      // An answer about an older version of p3: the current one is still pending.
      { storeId: 'p3', contentHash: 'an older version', status: 'accepted' },
    ]);
    const order: NormalizedOrder = { id: 'o1', items: [] };
    await mirrorOrders(connectionId, [order]);

    expect(await ledger.summary(connectionId, 'products')).toEqual({
      accepted: 1,
      rejected: 1,
      pending: 2,
      leftOut: 0,
    });
    expect(await ledger.summary(connectionId, 'orders')).toEqual({
      accepted: 0,
      rejected: 0,
      pending: 1,
      leftOut: 0,
    });
  });

  it('lists dead letters by connection and entity, and forgets deleted records', async () => {
    const otherConnectionId = await aConnection();
    const reject = (storeId: string) => ({
      storeId,
      contentHash: 'h',
      status: 'rejected' as const,
      reasons: ['bad'],
      record: { id: storeId },
    });
    await outcomes.record(connectionId, 'products', [reject('p1'), reject('p2')]);
    await outcomes.record(connectionId, 'orders', [reject('o1')]);
    await outcomes.record(otherConnectionId, 'products', [reject('p9')]);

    expect(
      (await ledger.findRejected({ connectionId, entity: 'products' })).map((row) => row.storeId),
    ).toEqual(['p1', 'p2']);
    expect(await ledger.findRejected({ limit: 10 })).toHaveLength(4);

    await outcomes.forget(connectionId, 'products', ['p1', 'unknown']);

    expect((await ledger.findRejected({ connectionId })).map((row) => row.storeId).sort()).toEqual([
      'o1',
      'p2',
    ]);
  });

  it('goes with its store connection (uninstall keeps nothing)', async () => {
    await outcomes.record(connectionId, 'products', [
      { storeId: 'p1', contentHash: 'h', status: 'accepted' },
    ]);
    const connection = await connections.findById(connectionId);

    await connections.deleteByInstallation(connection?.installationId ?? '');

    expect(await dataSource.getRepository(PushOutcomeEntity).count()).toBe(0);
  });

  describe('refused deletes', () => {
    // One millisecond more: the database keeps microseconds, a Date only milliseconds.
    const minutes = (count: number) => count * 60_000 + 1;

    it('keeps a refused delete pending with its reason, due again after a wait that doubles with each refusal', async () => {
      await outcomes.record(connectionId, 'products', [
        { storeId: 'p1', contentHash: 'h1', status: 'accepted' },
      ]);

      await outcomes.markDeletePending(connectionId, 'products', ['p1', 'p2'], 'HTTP 422: product is locked');
      const [pending] = await ledger.findPendingDeletes({ connectionId });
      const refusedAt = pending.updatedAt.getTime();

      expect(await ledger.findPendingDeletes({ connectionId })).toEqual([
        expect.objectContaining({
          storeId: 'p1',
          status: 'delete_pending',
          attempts: 1,
          reasons: ['HTTP 422: product is locked'],
        }),
        expect.objectContaining({ storeId: 'p2', status: 'delete_pending', attempts: 1 }),
      ]);
      const due = (at: number) => outcomes.findDueDeletes(connectionId, ['products', 'orders'], new Date(at));
      expect(await due(refusedAt)).toEqual(
        new Map([
          ['products', []],
          ['orders', []],
        ]),
      );
      expect((await due(refusedAt + minutes(1))).get('products')).toEqual(['p1', 'p2']);

      await outcomes.markDeletePending(connectionId, 'products', ['p1'], 'HTTP 422: still locked');
      const again = (await ledger.findPendingDeletes({ connectionId })).find((row) => row.storeId === 'p1');
      expect(again).toMatchObject({ attempts: 2, reasons: ['HTTP 422: still locked'] });
      const againAt = again?.updatedAt.getTime() ?? 0;
      expect((await due(againAt + minutes(1))).get('products')).toEqual(['p2']);
      expect((await due(againAt + minutes(2))).get('products')).toEqual(['p2', 'p1']);
    });

    it('ends a pending delete once ShopiMind accepts it, or once the record is written again', async () => {
      await outcomes.markDeletePending(connectionId, 'products', ['p1', 'p2'], 'HTTP 422: no');

      await outcomes.forget(connectionId, 'products', ['p1']);
      await outcomes.record(connectionId, 'products', [
        { storeId: 'p2', contentHash: 'h2', status: 'accepted' },
      ]);

      expect(await ledger.findPendingDeletes({ connectionId })).toEqual([]);
      expect(await outcomes.findOne(connectionId, 'products', 'p2')).toMatchObject({ status: 'accepted' });
    });

    it('is not a dead letter: the dead-letter listing and its replay never take it', async () => {
      await outcomes.markDeletePending(connectionId, 'orders', ['o1'], 'HTTP 422: no');

      expect(await ledger.findRejected({ connectionId })).toEqual([]);
    });
  });

  describe('derived records after a complete crawl', () => {
    const lamp = aProduct('p1', 'Lamp');
    const chair = aProduct('p2', 'Chair');
    const farPast = new Date('2000-01-01T00:00:00Z');
    const now = () => new Date(Date.now() + 60_000);
    const accepted = (record: { id: string }, refs: object) => ({
      storeId: record.id,
      contentHash: recordContentHash(record),
      status: 'accepted' as const,
      refs,
    });

    it('finds the categories no product of the store points at any more', async () => {
      await mirrorProducts(connectionId, [lamp, chair]);
      await outcomes.record(connectionId, 'products', [
        accepted(lamp, { categories: ['11'] }),
        accepted(chair, { categories: ['11', '12'] }),
      ]);
      await outcomes.recordDerived(connectionId, 'categories', ['11', '12', '13']);

      expect(await ledger.findUnreferenced(connectionId, 'categories', now())).toEqual({
        known: true,
        ids: ['13'],
      });

      // The chair is gone from the store: sync's mirror no longer holds it.
      await dataSource.getRepository(StoreProductEntity).delete({ connectionId, storeProductId: 'p2' });
      expect(await ledger.findUnreferenced(connectionId, 'categories', now())).toEqual({
        known: true,
        ids: ['12', '13'],
      });
    });

    it('keeps a customer while any order of the store mentions them, a dead letter included', async () => {
      const first = { id: 'o1' } as unknown as NormalizedOrder;
      const second = { id: 'o2' } as unknown as NormalizedOrder;
      const third = { id: 'o3' } as unknown as NormalizedOrder;
      await mirrorOrders(connectionId, [first, second, third]);
      await outcomes.record(connectionId, 'orders', [
        accepted(first, { order_statuses: ['paid'], customers: ['ann'] }),
        accepted(second, { order_statuses: ['paid'], customers: ['bob'] }),
        {
          ...accepted(third, { order_statuses: ['refunded'], customers: ['bob'] }),
          status: 'rejected',
          reasons: ['amount: required'],
          record: third,
        },
      ]);
      await outcomes.recordDerived(connectionId, 'customers', ['ann', 'bob', 'cyd']);
      await outcomes.recordDerived(connectionId, 'order_statuses', ['paid', 'refunded', 'cancelled']);
      await dataSource.getRepository(StoreOrderEntity).delete({ connectionId, storeOrderId: 'o2' });

      expect(await ledger.findUnreferenced(connectionId, 'customers', now())).toEqual({
        known: true,
        ids: ['cyd'],
      });
      expect(await ledger.findUnreferenced(connectionId, 'order_statuses', now())).toEqual({
        known: true,
        ids: ['cancelled'],
      });
    });

    it('finds nothing written since the crawl started, nor of another connection', async () => {
      const other = await aConnection();
      await outcomes.recordDerived(connectionId, 'customers', ['ann']);
      await outcomes.recordDerived(other, 'customers', ['bob']);

      expect(await ledger.findUnreferenced(connectionId, 'customers', farPast)).toEqual({
        known: true,
        ids: [],
      });
      expect(await ledger.findUnreferenced(connectionId, 'customers', now())).toEqual({
        known: true,
        ids: ['ann'],
      });
    });

    it('lists the accepted ids of one kind of one connection, for a language change to delete', async () => {
      const other = await aConnection();
      await outcomes.recordDerived(connectionId, 'order_statuses', ['refunded', 'paid']);
      await outcomes.recordDerived(connectionId, 'customers', ['ann']);
      await outcomes.recordDerived(other, 'order_statuses', ['cancelled']);
      await outcomes.markDeletePending(connectionId, 'order_statuses', ['lost'], 'HTTP 422: in use');

      expect(await outcomes.findAcceptedIds(connectionId, 'order_statuses')).toEqual(['paid', 'refunded']);
    });

    it('tells it cannot know while a mirrored record was answered for before references were kept', async () => {
      await mirrorProducts(connectionId, [lamp, chair]);
      await outcomes.record(connectionId, 'products', [
        accepted(lamp, { categories: ['11'] }),
        { storeId: 'p2', contentHash: recordContentHash(chair), status: 'accepted' },
      ]);
      await outcomes.recordDerived(connectionId, 'categories', ['12']);

      expect(await ledger.findUnreferenced(connectionId, 'categories', now())).toEqual({
        known: false,
        withoutReferences: 1,
      });
    });

    it('forgets a derived record once its delete is accepted', async () => {
      await outcomes.recordDerived(connectionId, 'order_statuses', ['cancelled']);

      await outcomes.forget(connectionId, 'order_statuses', ['cancelled']);

      expect(await ledger.findUnreferenced(connectionId, 'order_statuses', now())).toEqual({
        known: true,
        ids: [],
      });
    });
  });

  describe('findAcceptedUnchanged', () => {
    const lamp = aProduct('p1', 'Lamp');
    const chair = aProduct('p2', 'Chair');
    const sent = (...records: NormalizedProduct[]) =>
      records.map((record) => ({ storeId: record.id, contentHash: recordContentHash(record) }));

    it('finds the records accepted in the content sent, with when, and none rejected or of another content', async () => {
      const table = aProduct('p3', 'Table');
      await outcomes.record(connectionId, 'products', [
        { storeId: 'p1', contentHash: recordContentHash(lamp), status: 'accepted' },
        { storeId: 'p2', contentHash: recordContentHash(chair), status: 'rejected', reasons: ['bad'] },
        { storeId: 'p3', contentHash: recordContentHash(aProduct('p3', 'Old table')), status: 'accepted' },
      ]);
      const acceptedAt = (await outcomes.findOne(connectionId, 'products', 'p1'))?.updatedAt;

      const found = await outcomes.findAcceptedUnchanged(connectionId, 'products', sent(lamp, chair, table));

      expect(found).toEqual(new Map([['p1', acceptedAt]]));
      expect(await outcomes.findAcceptedUnchanged(connectionId, 'orders', sent(lamp))).toEqual(new Map());
      expect(await outcomes.findAcceptedUnchanged(await aConnection(), 'products', sent(lamp))).toEqual(
        new Map(),
      );
    });

    it('finds derived records kept with their content, never those kept without', async () => {
      await outcomes.recordDerived(connectionId, 'customers', ['ann', 'bob'], new Map([['ann', 'h-ann']]));
      await outcomes.recordDerived(connectionId, 'categories', ['11']);

      const found = await outcomes.findAcceptedUnchanged(connectionId, 'customers', [
        { storeId: 'ann', contentHash: 'h-ann' },
        { storeId: 'bob', contentHash: '' },
        { storeId: 'bob', contentHash: 'h-bob' },
      ]);
      expect([...found.keys()]).toEqual(['ann']);
      expect(
        await outcomes.findAcceptedUnchanged(connectionId, 'categories', [
          { storeId: '11', contentHash: '' },
        ]),
      ).toEqual(new Map());
    });

    it("vouches for nothing accepted before the connection's configuration changed", async () => {
      await outcomes.record(connectionId, 'products', [
        { storeId: 'p1', contentHash: recordContentHash(lamp), status: 'accepted' },
      ]);
      const connection = await connections.findById(connectionId);
      await connections.upsertForInstallation(connection?.installationId ?? '', {
        ...aStoreConnection(),
        currency: 'USD',
      });

      expect(await outcomes.findAcceptedUnchanged(connectionId, 'products', sent(lamp))).toEqual(new Map());

      await outcomes.record(connectionId, 'products', [
        { storeId: 'p1', contentHash: recordContentHash(lamp), status: 'accepted' },
      ]);
      expect([
        ...(await outcomes.findAcceptedUnchanged(connectionId, 'products', sent(lamp))).keys(),
      ]).toEqual(['p1']);
    });
  });
});
