import { DataSource } from 'typeorm';
import { anInstallation } from '../../test/factories';
import { openDataSource, truncateTables } from '../../test/integration-database';
import { IdMappingEntity, InstallationEntity } from '../entities';
import { IdMappingRepository } from './id-mapping.repository';
import { InstallationRepository } from './installation.repository';

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
    const installations = new InstallationRepository(dataSource.getRepository(InstallationEntity));
    installationId = (await installations.upsert(anInstallation())).id;
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
    const installations = new InstallationRepository(dataSource.getRepository(InstallationEntity));
    const otherInstallationId = (await installations.upsert(anInstallation())).id;

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

  it('maps numeric ids back to store ids', async () => {
    const mapped = await idMappings.numericIdsFor(installationId, 'product', ['prod_1']);
    const numericId = mapped.get('prod_1') ?? -1;

    const reversed = await idMappings.storeIdsFor(installationId, 'product', [numericId, 999_999]);

    expect(reversed).toEqual(new Map([[numericId, 'prod_1']]));
  });
});
