import { DataSource } from 'typeorm';
import { aStoreConnection, insertInstallation } from '../../test/factories';
import { openDataSource, truncateTables } from '../../test/integration-database';
import { InstallationEntity, StoreConnectionEntity } from '../entities';
import { StoreConnectionRepository } from '../repositories/store-connection.repository';
import { InstallationReader } from './installation.reader';

describe('InstallationReader', () => {
  let dataSource: DataSource;
  let reader: InstallationReader;

  beforeAll(async () => {
    dataSource = await openDataSource();
    reader = new InstallationReader(dataSource.getRepository(InstallationEntity));
  });

  beforeEach(() => truncateTables(dataSource));

  afterAll(() => dataSource.destroy());

  it('finds an installation by our id, and null for an unknown one', async () => {
    const installation = await insertInstallation(dataSource, {
      installationId: 'inst_read',
      status: 'active',
    });

    expect(await reader.findById(installation.id)).toMatchObject({
      id: installation.id,
      installationId: 'inst_read',
      status: 'active',
    });
    expect(await reader.findById('00000000-0000-0000-0000-000000000000')).toBeNull();
  });

  it('lists installations newest first with their store connection, paged, the limit capped', async () => {
    const connections = new StoreConnectionRepository(dataSource.getRepository(StoreConnectionEntity));
    const older = await insertInstallation(dataSource, { installationId: 'inst_older' });
    const newer = await insertInstallation(dataSource, { installationId: 'inst_newer' });
    await dataSource.query(
      `UPDATE "installations" SET "created_at" = now() - interval '1 day' WHERE id = $1`,
      [older.id],
    );
    const connection = await connections.upsertForInstallation(
      older.id,
      aStoreConnection({ baseUrl: 'https://older.example.com' }),
    );

    const listed = await reader.listWithConnections(10);

    expect(listed.map(({ installation }) => installation.installationId)).toEqual([
      'inst_newer',
      'inst_older',
    ]);
    expect(listed[0].connection).toBeNull();
    expect(listed[1].connection).toMatchObject({ id: connection.id, baseUrl: 'https://older.example.com' });
    expect((await reader.listWithConnections(1, 1)).map(({ installation }) => installation.id)).toEqual([
      older.id,
    ]);
    expect((await reader.listWithConnections(1)).map(({ installation }) => installation.id)).toEqual([
      newer.id,
    ]);
    expect(await reader.listWithConnections(0)).toEqual([]);

    for (let index = 0; index < 210; index += 1) {
      await insertInstallation(dataSource);
    }
    expect(await reader.listWithConnections(10_000)).toHaveLength(200);
  });
});
