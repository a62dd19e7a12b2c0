import type { NormalizedOrder } from '@storebridge/contracts';
import { DataSource } from 'typeorm';
import {
  recordContentHash,
  StoreConnectionEntity,
  StoreConnectionRepository,
  StoreOrderEntity,
  SyncRunEntity,
} from '@storebridge/persistence';
import { aPersistedConnection, openDataSource, truncateTables } from '@storebridge/persistence/testing';
import { StoreOrderRepository } from './store-order.repository';
import { SyncRunRepository } from './sync-run.repository';

function anOrder(overrides: Partial<NormalizedOrder> = {}): NormalizedOrder {
  return {
    id: 'ord_1',
    status: 'processing',
    total: 59.8,
    customerEmail: 'ada@example.com',
    items: [{ productId: 'prod_1', quantity: 2, price: 29.9 }],
    ...overrides,
  };
}

// The mirror behaviour itself is shared with products (StoreRecordMirror): this checks it on the orders table.
describe('StoreOrderRepository', () => {
  let dataSource: DataSource;
  let connections: StoreConnectionRepository;
  let orders: StoreOrderRepository;
  let syncRuns: SyncRunRepository;
  let connectionId: string;

  const aConnection = () => aPersistedConnection(dataSource);

  beforeAll(async () => {
    dataSource = await openDataSource();
    connections = new StoreConnectionRepository(dataSource.getRepository(StoreConnectionEntity));
    orders = new StoreOrderRepository(dataSource.getRepository(StoreOrderEntity));
    syncRuns = new SyncRunRepository(dataSource.getRepository(SyncRunEntity));
  });

  beforeEach(async () => {
    await truncateTables(dataSource);
    connectionId = await aConnection();
  });

  afterAll(() => dataSource.destroy());

  it('keeps the hash of the normalized order and the store record, the last write of an id winning', async () => {
    const raw = { id: 'ord_1', state: 'processing', grand_total: '59.80' };
    const shipped = anOrder({ status: 'shipped' });

    await orders.upsertMany(connectionId, [anOrder(), shipped], new Map([['ord_1', raw]]));

    expect(await orders.findStates(connectionId, ['ord_1', 'ord_2'])).toEqual(
      new Map([['ord_1', { contentHash: recordContentHash(shipped), raw }]]),
    );
  });

  it('tells changed from unchanged orders and finds the ones a run did not see', async () => {
    const otherConnectionId = await aConnection();
    await orders.upsertMany(connectionId, [anOrder(), anOrder({ id: 'ord_2' }), anOrder({ id: 'ord_3' })]);
    await orders.upsertMany(otherConnectionId, [anOrder({ id: 'ord_9' })]);
    const run = await syncRuns.start({ connectionId, entity: 'orders', trigger: 'schedule' });

    const seen = await orders.recordSeen(connectionId, run.id, 1, ['ord_1', 'ord_3', 'ord_9']);

    expect(seen.contentHashes.get('ord_1')).toBe(recordContentHash(anOrder()));
    expect([...seen.contentHashes.keys()].sort()).toEqual(['ord_1', 'ord_3']);
    expect((await orders.findUnseen(connectionId, run.id)).fresh).toEqual(['ord_2']);
    expect(await orders.deleteMany(connectionId, ['ord_2', 'ord_9', 'missing'])).toBe(1);
    expect((await orders.findUnseen(otherConnectionId, run.id)).fresh).toEqual([]);
  });

  it('goes with its store connection (uninstall keeps nothing)', async () => {
    await orders.upsertMany(connectionId, [anOrder()]);
    const connection = await connections.findById(connectionId);

    await connections.deleteByInstallation(connection?.installationId ?? '');

    expect(await dataSource.getRepository(StoreOrderEntity).count()).toBe(0);
  });
});
