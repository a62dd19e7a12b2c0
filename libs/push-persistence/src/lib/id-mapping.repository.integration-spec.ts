import { DataSource } from 'typeorm';
import { IdMappingEntity } from '@storebridge/persistence';
import {
  insertInstallation,
  openDataSource,
  tableReadsOf,
  truncateTables,
  wastefulReads,
} from '@storebridge/persistence/testing';
import { IdMappingRepository, MAP_STORE_IDS, type IdCandidateFunction } from './id-mapping.repository';

describe('IdMappingRepository', () => {
  let dataSource: DataSource;
  let idMappings: IdMappingRepository;
  let installationId: string;

  beforeAll(async () => {
    dataSource = await openDataSource();
    idMappings = new IdMappingRepository(dataSource.getRepository(IdMappingEntity));
  });

  beforeEach(async () => {
    await truncateTables(dataSource);
    installationId = (await insertInstallation(dataSource)).id;
  });

  afterAll(() => dataSource.destroy());

  it('gives every store id a numeric id and the same one on later calls', async () => {
    const first = await idMappings.numericIdsFor(installationId, 'product', ['prod_1', 'prod_2']);
    const second = await idMappings.numericIdsFor(installationId, 'product', ['prod_2', 'prod_3', 'prod_1']);

    expect([...first.keys()].sort()).toEqual(['prod_1', 'prod_2']);
    expect(new Set(first.values()).size).toBe(2);
    expect(second.get('prod_1')).toBe(first.get('prod_1'));
    expect(second.get('prod_2')).toBe(first.get('prod_2'));
    expect(typeof second.get('prod_3')).toBe('number');
    expect([...first.values(), second.get('prod_3')]).toHaveLength(new Set([...second.values()]).size);
  });

  it('keeps mappings apart per installation and per entity type', async () => {
    const otherInstallationId = (await insertInstallation(dataSource)).id;

    const product = await idMappings.numericIdsFor(installationId, 'product', ['42']);
    const order = await idMappings.numericIdsFor(installationId, 'order', ['42']);
    const otherProduct = await idMappings.numericIdsFor(otherInstallationId, 'product', ['42']);

    expect(new Set([product.get('42'), order.get('42'), otherProduct.get('42')]).size).toBe(3);
  });

  it('accepts duplicates and an empty list', async () => {
    const mapped = await idMappings.numericIdsFor(installationId, 'product', ['a', 'a', 'b']);

    expect(mapped.size).toBe(2);
    expect(await idMappings.numericIdsFor(installationId, 'product', [])).toEqual(new Map());
    expect(await dataSource.getRepository(IdMappingEntity).count()).toBe(2);
  });

  it('gives concurrent callers with overlapping ids the same mapping', async () => {
    const batches = [
      ['p1', 'p2', 'p3', 'p4'],
      ['p4', 'p3', 'p2', 'p1'],
      ['p2', 'p5', 'p1'],
      ['p5', 'p6', 'p3'],
      ['p6', 'p1', 'p4', 'p5', 'p2'],
    ];

    const results = await Promise.all(
      batches.map((storeIds) => idMappings.numericIdsFor(installationId, 'product', storeIds)),
    );

    const stored = await idMappings.numericIdsFor(installationId, 'product', [
      'p1',
      'p2',
      'p3',
      'p4',
      'p5',
      'p6',
    ]);
    expect(stored.size).toBe(6);
    expect(new Set(stored.values()).size).toBe(6);
    results.forEach((result, index) => {
      expect(result.size).toBe(new Set(batches[index]).size);
      for (const [storeId, numericId] of result) {
        expect(numericId).toBe(stored.get(storeId));
      }
    });
    expect(await dataSource.getRepository(IdMappingEntity).count()).toBe(6);
  });

  it('recreates a mapping lost with its commit under the same number', async () => {
    const first = await idMappings.numericIdsFor(installationId, 'product', ['prod_1', 'prod_2', 'prod_3']);
    // What a crash with relaxed durability, a failover or a restore leaves: the rows are gone, while ShopiMind
    // keeps the records written under their numbers.
    await dataSource.query(`DELETE FROM "id_mappings" WHERE "store_id" IN ('prod_2', 'prod_3')`);

    const again = await idMappings.numericIdsFor(installationId, 'product', ['prod_3', 'prod_2', 'prod_1']);

    expect(again).toEqual(first);
  });

  it('gives a reinstalled shop the numbers of its first install, for every entity type', async () => {
    const entities = ['product', 'category', 'order', 'customer'];
    const before = await Promise.all(
      entities.map((entity) => idMappings.numericIdsFor(installationId, entity, ['a', 'b'])),
    );
    // Uninstall keeps the mappings; the reinstall takes the installation row up under ShopiMind's new id.
    await dataSource.query(
      `UPDATE "installations" SET "installation_id" = 'inst_reinstalled', "status" = 'installed' WHERE "id" = $1`,
      [installationId],
    );
    // Rows deleted by an uninstall made before that rule come back under the same numbers too.
    await dataSource.query(`DELETE FROM "id_mappings" WHERE "entity_type" = 'order'`);

    const after = await Promise.all(
      entities.map((entity) => idMappings.numericIdsFor(installationId, entity, ['b', 'a'])),
    );

    expect(after).toEqual(before);
  });

  it('refuses a second store id under a number the installation gives one already', async () => {
    const [numericId] = (await idMappings.numericIdsFor(installationId, 'product', ['prod_1'])).values();

    await expect(
      dataSource.query(
        `INSERT INTO "id_mappings" ("installation_id", "entity_type", "store_id", "numeric_id") VALUES ($1, 'product', 'prod_2', $2)`,
        [installationId, numericId],
      ),
    ).rejects.toThrow(/duplicate key/);
  });

  describe('when candidates collide', () => {
    // Every store id's first candidate is the same number, its next one the next number: each mapping after the
    // first collides.
    const colliding: IdCandidateFunction = (_installationId, _entityType, _storeId, attempt) =>
      7_000 + attempt;
    let probing: IdMappingRepository;

    beforeEach(() => {
      probing = new IdMappingRepository(dataSource.getRepository(IdMappingEntity), colliding);
    });

    const loseCommitOf = (storeIds: string[]) =>
      dataSource.query(`DELETE FROM "id_mappings" WHERE "store_id" = ANY($1::text[])`, [storeIds]);

    it('gives the second store id the next candidate, and the same one after its mapping is lost', async () => {
      const first = await probing.numericIdsFor(installationId, 'product', ['prod_a']);
      const second = await probing.numericIdsFor(installationId, 'product', ['prod_b']);
      await loseCommitOf(['prod_b']);
      const recreated = await probing.numericIdsFor(installationId, 'product', ['prod_b']);

      expect(first).toEqual(new Map([['prod_a', 7_000]]));
      expect(second).toEqual(new Map([['prod_b', 7_001]]));
      expect(recreated).toEqual(second);
    });

    it('settles collisions within one call in store id order, stable across lost commits', async () => {
      const mapped = await probing.numericIdsFor(installationId, 'product', ['prod_c', 'prod_a', 'prod_b']);
      await loseCommitOf(['prod_b', 'prod_c']);
      const recreated = await probing.numericIdsFor(installationId, 'product', ['prod_c', 'prod_b']);

      expect(mapped).toEqual(
        new Map([
          ['prod_a', 7_000],
          ['prod_b', 7_001],
          ['prod_c', 7_002],
        ]),
      );
      expect(recreated).toEqual(
        new Map([
          ['prod_b', 7_001],
          ['prod_c', 7_002],
        ]),
      );
    });

    it('lets another entity type or installation use the same number', async () => {
      const otherInstallationId = (await insertInstallation(dataSource)).id;

      const product = await probing.numericIdsFor(installationId, 'product', ['42']);
      const category = await probing.numericIdsFor(installationId, 'category', ['42']);
      const otherProduct = await probing.numericIdsFor(otherInstallationId, 'product', ['42']);

      expect([product.get('42'), category.get('42'), otherProduct.get('42')]).toEqual([7_000, 7_000, 7_000]);
    });
  });

  it('looks mappings up by store id, not by scanning the installation, while statistics lag behind', async () => {
    // A first big push fills the table faster than autovacuum analyzes it: planned from the stale statistics, the
    // lookup once went through the numeric-id index and read every mapping of the installation for each id.
    await dataSource.query('ANALYZE "id_mappings"');
    await idMappings.numericIdsFor(
      installationId,
      'product',
      Array.from({ length: 2_000 }, (_, index) => `prod_${index}`),
    );
    const wanted = Array.from({ length: 400 }, (_, index) => `prod_${index + 1_600}`);

    const reads = await tableReadsOf(dataSource, 'id_mappings', MAP_STORE_IDS, [
      installationId,
      'product',
      wanted,
      wanted.map((_, index) => String(index + 1)),
    ]);

    expect(reads.length).toBeGreaterThan(0);
    expect(wastefulReads(reads)).toEqual([]);
  });

  it('maps numeric ids back to store ids', async () => {
    const mapped = await idMappings.numericIdsFor(installationId, 'product', ['prod_1']);
    const numericId = mapped.get('prod_1') ?? -1;

    const reversed = await idMappings.storeIdsFor(installationId, 'product', [numericId, 999_999]);

    expect(reversed).toEqual(new Map([[numericId, 'prod_1']]));
  });
});
