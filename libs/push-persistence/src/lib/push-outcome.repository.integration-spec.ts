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
import { aPersistedConnection, openDataSource, truncateTables } from '@storebridge/persistence/testing';
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
    });
    expect(await ledger.summary(connectionId, 'orders')).toEqual({ accepted: 0, rejected: 0, pending: 1 });
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
});
