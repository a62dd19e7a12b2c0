import { DataSource } from 'typeorm';
import { aPersistedConnection } from '../../test/factories';
import { openDataSource, truncateTables } from '../../test/integration-database';
import { PushOutcomeEntity, StoreOrderEntity, StoreProductEntity, type RecordKind } from '../entities';
import { PushLedgerReader } from './push-ledger.reader';
import { LEFT_OUT_HASH_SUFFIX } from '../record-content-hash';

describe('PushLedgerReader', () => {
  let dataSource: DataSource;
  let reader: PushLedgerReader;
  let connectionId: string;

  /** Ledger rows written through the entity: this lib cannot use push's repository. */
  async function answer(
    connection: string,
    entity: RecordKind,
    storeId: string,
    outcome: { status: 'accepted' | 'rejected'; contentHash?: string; updatedAt?: string },
  ): Promise<void> {
    const ledger = dataSource.getRepository(PushOutcomeEntity);
    await ledger.insert({
      connectionId: connection,
      entity,
      storeId,
      contentHash: outcome.contentHash ?? `hash of ${storeId}`,
      status: outcome.status,
      reasons: outcome.status === 'rejected' ? ['price: must be a number'] : [],
      attempts: outcome.status === 'rejected' ? 1 : 0,
      record: outcome.status === 'rejected' ? { id: storeId } : null,
    });
    if (outcome.updatedAt) {
      await dataSource.query(
        `UPDATE "push_outcomes" SET "updated_at" = $4 WHERE connection_id = $1 AND entity = $2 AND store_id = $3`,
        [connection, entity, storeId, outcome.updatedAt],
      );
    }
  }

  /** Sync's mirror rows, through the entities: the current version of each record is its content hash. */
  async function mirror(
    connection: string,
    entity: RecordKind,
    storeIds: string[],
    hashSuffix = '',
  ): Promise<void> {
    if (entity === 'products') {
      await dataSource.getRepository(StoreProductEntity).insert(
        storeIds.map((id) => ({
          connectionId: connection,
          storeProductId: id,
          name: id,
          price: null,
          regularPrice: null,
          imageUrl: null,
          url: `https://store.example.com/p/${id}`,
          categories: [],
          contentHash: `hash of ${id}${hashSuffix}`,
          raw: null,
        })),
      );
    } else {
      await dataSource.getRepository(StoreOrderEntity).insert(
        storeIds.map((id) => ({
          connectionId: connection,
          storeOrderId: id,
          contentHash: `hash of ${id}`,
          raw: null,
        })),
      );
    }
  }

  beforeAll(async () => {
    dataSource = await openDataSource();
    reader = new PushLedgerReader(dataSource.getRepository(PushOutcomeEntity));
  });

  beforeEach(async () => {
    await truncateTables(dataSource);
    connectionId = await aPersistedConnection(dataSource);
  });

  afterAll(() => dataSource.destroy());

  it('lists dead letters most recent first, by connection and entity, at most limit', async () => {
    const other = await aPersistedConnection(dataSource);
    await answer(connectionId, 'products', 'p1', { status: 'rejected', updatedAt: '2026-01-01T10:00:00Z' });
    await answer(connectionId, 'products', 'p2', { status: 'rejected', updatedAt: '2026-01-02T10:00:00Z' });
    await answer(connectionId, 'products', 'p3', { status: 'accepted' });
    await answer(connectionId, 'orders', 'o1', { status: 'rejected', updatedAt: '2026-01-03T10:00:00Z' });
    await answer(other, 'products', 'p9', { status: 'rejected' });

    const ids = (letters: PushOutcomeEntity[]) => letters.map((letter) => letter.storeId);
    expect(ids(await reader.findRejected({ connectionId }))).toEqual(['o1', 'p2', 'p1']);
    expect(ids(await reader.findRejected({ connectionId, entity: 'products' }))).toEqual(['p2', 'p1']);
    expect(ids(await reader.findRejected({ connectionId, limit: 1 }))).toEqual(['o1']);
    expect(await reader.findRejected()).toHaveLength(4);
    expect(await reader.findRejected({ connectionId, entity: 'products' })).toEqual([
      expect.objectContaining({ reasons: ['price: must be a number'], attempts: 1, record: { id: 'p2' } }),
      expect.objectContaining({ storeId: 'p1' }),
    ]);
  });

  it("counts a mirror's records accepted or rejected in their current version, the others pending", async () => {
    await mirror(connectionId, 'products', ['p1', 'p2', 'p3', 'p4']);
    await answer(connectionId, 'products', 'p1', { status: 'accepted' });
    await answer(connectionId, 'products', 'p2', { status: 'rejected' });
    // An answer about an older version of p3: its current one is still pending.
    await answer(connectionId, 'products', 'p3', { status: 'accepted', contentHash: 'an older version' });
    await mirror(connectionId, 'orders', ['o1']);
    await answer(connectionId, 'orders', 'o1', { status: 'accepted' });

    expect(await reader.summary(connectionId, 'products')).toEqual({
      accepted: 1,
      rejected: 1,
      pending: 2,
      leftOut: 0,
    });
    expect(await reader.summary(connectionId, 'orders')).toEqual({
      accepted: 1,
      rejected: 0,
      pending: 0,
      leftOut: 0,
    });
    expect(await reader.summary(await aPersistedConnection(dataSource), 'products')).toEqual({
      accepted: 0,
      rejected: 0,
      pending: 0,
      leftOut: 0,
    });
  });

  it('counts the records the merchant left out of ShopiMind apart, never pending', async () => {
    await mirror(connectionId, 'products', ['p1']);
    await mirror(connectionId, 'products', ['p2', 'p3'], LEFT_OUT_HASH_SUFFIX);
    await answer(connectionId, 'products', 'p1', { status: 'accepted' });

    expect(await reader.summary(connectionId, 'products')).toEqual({
      accepted: 1,
      rejected: 0,
      pending: 0,
      leftOut: 2,
    });
  });
});
