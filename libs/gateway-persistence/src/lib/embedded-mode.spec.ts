import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PersistenceModule, PGLITE_IN_MEMORY } from '@storebridge/persistence';
import { anInstallation } from '@storebridge/persistence/testing';
import { AcceptedSignatureRepository } from './accepted-signature.repository';
import { ExternalAccountRepository } from './external-account.repository';
import { GatewayPersistenceModule } from './gateway-persistence.module';
import { InstallationRepository } from './installation.repository';
import { OAuthAuthorizationRepository } from './oauth-authorization.repository';

// Embedded mode runs the very same SQL on PGlite (architecture.md, Embedded mode), the repositories wired as the
// apps wire them.
describe('gateway repositories on PGlite (in memory)', () => {
  let app: INestApplicationContext;

  beforeAll(async () => {
    @Module({
      imports: [
        PersistenceModule.forRoot({ dataDir: PGLITE_IN_MEMORY, retryAttempts: 0 }),
        GatewayPersistenceModule,
      ],
    })
    class AppModule {}
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  });

  afterAll(() => app?.close());

  it('runs the installation upsert SQL', async () => {
    const installations = app.get(InstallationRepository);

    const created = await installations.upsert(anInstallation({ installationId: 'inst_embedded' }));
    const updated = await installations.upsert(
      anInstallation({ installationId: 'inst_embedded', status: 'active' }),
    );

    expect(updated).toMatchObject({ id: created.id, status: 'active' });
    expect((await installations.findByInstallationId('inst_embedded'))?.id).toBe(created.id);
  });

  it('provides every gateway repository', () => {
    for (const repository of [
      AcceptedSignatureRepository,
      OAuthAuthorizationRepository,
      ExternalAccountRepository,
      InstallationRepository,
    ]) {
      expect(app.get(repository)).toBeInstanceOf(repository);
    }
  });
});
