import { DataSource } from 'typeorm';
import { insertInstallation } from '../../test/factories';
import { openDataSource, truncateTables } from '../../test/integration-database';
import { InstallationEntity } from '../entities';
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
});
