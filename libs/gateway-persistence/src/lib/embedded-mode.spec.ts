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

  it('runs the signature claim and answer SQL: a resend finds the first answer', async () => {
    const signatures = app.get(AcceptedSignatureRepository);
    const inAMinute = () => new Date(Date.now() + 60_000);

    expect(
      await signatures.claim('ab'.repeat(32), 'POST /webhook/receive', inAMinute(), inAMinute()),
    ).toEqual({
      kind: 'claimed',
    });
    await signatures.recordAnswer('ab'.repeat(32), 'POST /webhook/receive', {
      status: 200,
      body: { success: false, error: 'unknown_installation' },
    });

    expect(
      await signatures.claim('ab'.repeat(32), 'POST /webhook/receive', inAMinute(), inAMinute()),
    ).toEqual({
      kind: 'answered',
      answer: { status: 200, body: { success: false, error: 'unknown_installation' } },
    });
  });

  it('runs the uninstall and reinstall SQL', async () => {
    const installations = app.get(InstallationRepository);
    const created = await installations.upsert(
      anInstallation({ installationId: 'inst_gone', shopDomain: 'embedded.example.com' }),
    );

    await installations.uninstall(created.id, new Date());
    const found = await installations.findUninstalledOfShop({ shopDomain: 'Embedded.example.com' });
    const reinstalled = await installations.reinstall(
      created.id,
      anInstallation({ installationId: 'inst_back', uninstalledAt: null }),
    );

    expect(found?.id).toBe(created.id);
    expect(reinstalled).toMatchObject({ id: created.id, installationId: 'inst_back', status: 'installed' });
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
