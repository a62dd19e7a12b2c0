import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { insertInstallation } from '../test/factories';
import { integrationDatabaseUrl } from '../test/integration-database';
import { PersistenceModule } from './persistence.module';
import { InstallationReader } from './readers/installation.reader';
import { StoreProductReader } from './readers/store-product.reader';
import { AdvisoryLockRepository } from './repositories/advisory-lock.repository';
import { ParkedMessageRepository } from './repositories/parked-message.repository';
import { StoreConnectionRepository } from './repositories/store-connection.repository';

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

  it('provides every shared repository and reader, working on the migrated database', async () => {
    expect(app.get(StoreConnectionRepository)).toBeInstanceOf(StoreConnectionRepository);
    expect(app.get(AdvisoryLockRepository)).toBeInstanceOf(AdvisoryLockRepository);
    expect(app.get(ParkedMessageRepository)).toBeInstanceOf(ParkedMessageRepository);
    expect(app.get(StoreProductReader)).toBeInstanceOf(StoreProductReader);

    const created = await insertInstallation(app.get(DataSource));

    expect((await app.get(InstallationReader).findById(created.id))?.installationId).toBe(
      created.installationId,
    );
  });
});
