import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { anInstallation } from '../test/factories';
import { integrationDatabaseUrl } from '../test/integration-database';
import { PersistenceModule } from './persistence.module';
import { InstallationRepository } from './repositories/installation.repository';
import { IdMappingRepository } from './repositories/id-mapping.repository';
import { StoreConnectionRepository } from './repositories/store-connection.repository';
import { SyncRunRepository } from './repositories/sync-run.repository';

describe('PersistenceModule on PostgreSQL', () => {
  let app: INestApplicationContext;

  beforeAll(async () => {
    @Module({
      imports: [PersistenceModule.forRoot({ databaseUrl: integrationDatabaseUrl(), retryAttempts: 0 })],
    })
    class AppModule {}
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  });

  afterAll(() => app.close());

  it('provides every repository, working on the migrated database', async () => {
    expect(app.get(StoreConnectionRepository)).toBeInstanceOf(StoreConnectionRepository);
    expect(app.get(SyncRunRepository)).toBeInstanceOf(SyncRunRepository);
    expect(app.get(IdMappingRepository)).toBeInstanceOf(IdMappingRepository);
    const installations = app.get(InstallationRepository);

    const created = await installations.upsert(anInstallation({ installationId: 'inst_module' }));

    expect((await installations.findByInstallationId('inst_module'))?.id).toBe(created.id);
  });
});
