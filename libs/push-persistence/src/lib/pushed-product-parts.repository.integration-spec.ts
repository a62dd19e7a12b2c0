import { DataSource } from 'typeorm';
import { PushedProductPartsEntity } from '@storebridge/persistence';
import {
  aPersistedConnection,
  openDataSource,
  tableReadsOf,
  truncateTables,
  wastefulReads,
} from '@storebridge/persistence/testing';
import { FIND_PARTS, PushedProductPartsRepository } from './pushed-product-parts.repository';

describe('PushedProductPartsRepository', () => {
  let dataSource: DataSource;
  let parts: PushedProductPartsRepository;
  let connectionId: string;

  beforeAll(async () => {
    dataSource = await openDataSource();
    parts = new PushedProductPartsRepository(dataSource.getRepository(PushedProductPartsEntity));
  });

  beforeEach(async () => {
    await truncateTables(dataSource);
    connectionId = await aPersistedConnection(dataSource);
  });

  afterAll(() => dataSource.destroy());

  it('looks the parts of a page up by key, not by reading the connection, while statistics lag behind', async () => {
    // A first full sync fills the table faster than autovacuum analyzes it: planned from the statistics of the
    // empty table, each page's lookup read every product the connection had pushed so far.
    await dataSource.query('ANALYZE "pushed_product_parts"');
    await parts.save(
      connectionId,
      new Map(
        Array.from({ length: 5_000 }, (_, index) => [
          `prod_${index}`,
          { variationIds: [`${index}1`], imageIds: [`${index}2`] },
        ]),
      ),
    );
    const wanted = Array.from({ length: 100 }, (_, index) => `prod_${index * 40}`);

    const reads = await tableReadsOf(dataSource, 'pushed_product_parts', FIND_PARTS, [connectionId, wanted]);

    expect(reads.length).toBeGreaterThan(0);
    expect(wastefulReads(reads)).toEqual([]);
    const found = await parts.findFor(connectionId, [...wanted, 'prod_unknown', wanted[0]]);
    expect([...found.keys()].sort()).toEqual([...wanted].sort());
    expect(found.get('prod_40')).toEqual({
      variationIds: ['401'],
      imageIds: ['402'],
      savedAt: expect.any(Date),
    });
  });
});
