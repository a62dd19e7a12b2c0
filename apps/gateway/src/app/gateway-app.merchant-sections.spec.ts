import { Logger, type INestApplication } from '@nestjs/common';
import { GatewayEnv, loadEnv } from '@storebridge/config';
import { startDemoStore, type DemoStore } from '@storebridge/demo-store';
import {
  PushOutcomeEntity,
  StoreConnectionRepository,
  SyncRunEntity,
  type StoreConnectionEntity,
} from '@storebridge/persistence';
import { localUrl } from '@storebridge/runtime';
import { CredentialCipher, ExpiringLinkSigner } from '@storebridge/security';
import { DataSource } from 'typeorm';
import { startGateway } from './gateway-app.module';
import { connectStoreThroughLifecycle } from './testing/connect-store';

const SECRET = 'gateway-merchant-sections-secret-0123456789';
const CREDENTIALS_KEY = '7b'.repeat(32);
const STORE_KEY = 'merchant-sections-store-key-0123456789';
const STORE_WEBHOOK_SECRET = 'merchant-sections-store-webhook-secret';
const ACCESS_TOKEN = 'spm_merchant_sections_access_token';

// Issue #19 item 2: the merchant's page tells how the synchronisation of their connection goes, in plain words,
// with or without ADMIN_TOKEN (here without: the admin API is off).
describe('gateway app, the merchant page of a connection: runs, progress and dead letters', () => {
  let store: DemoStore;
  let app: INestApplication;
  let url: string;
  let connection: StoreConnectionEntity;
  let clock = Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    store = await startDemoStore({ apiKey: STORE_KEY, productCount: 1 });
    const env = loadEnv(GatewayEnv, {
      CREDENTIALS_KEY,
      WEBHOOK_SECRET: SECRET,
      DATA_DIR: 'memory://',
      LOG_LEVEL: 'error',
      ALLOW_PRIVATE_STORE_URLS: 'true',
    });
    app = await startGateway(env, { host: '127.0.0.1', port: 0 });
    url = localUrl(app);
    const storeToken = await connectStoreThroughLifecycle(app, {
      gatewayUrl: url,
      webhookSecret: SECRET,
      installationId: 'inst_merchant_sections',
      accessToken: ACCESS_TOKEN,
      storeUrl: store.url,
      storeApiKey: STORE_KEY,
      storeWebhookSecret: STORE_WEBHOOK_SECRET,
      nextTimestamp: () => --clock,
    });
    connection = (await app
      .get(StoreConnectionRepository)
      .findByStoreToken(storeToken)) as StoreConnectionEntity;
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
    jest.restoreAllMocks();
  });

  /** A link signed as the gateway signs them (its key derived from CREDENTIALS_KEY). */
  function merchantLink(): string {
    const expires = Math.floor(Date.now() / 1000) + 600;
    const signer = new ExpiringLinkSigner(new CredentialCipher(CREDENTIALS_KEY).purposeKey('merchant-link'));
    return `${url}/merchant/connections/${connection.id}?expires=${expires}&sig=${signer.sign(connection.id, expires)}`;
  }

  it('says there is no synchronisation and no refused record yet', async () => {
    const html = await (await fetch(merchantLink())).text();

    expect(html).toMatch(/<h2>Last synchronisations<\/h2>\n<p>None yet\.<\/p>/);
    expect(html).toMatch(/<h2>Records ShopiMind refused<\/h2>\n<p>None\.<\/p>/);
  });

  it('shows the last runs in plain words, the running crawl, and the dead letters, never a credential', async () => {
    const dataSource = app.get(DataSource);
    const runs = dataSource.getRepository(SyncRunEntity);
    const complete = await runs.save(
      runs.create({
        connectionId: connection.id,
        entity: 'products',
        trigger: 'activate',
        status: 'succeeded',
        pagesFetched: 4,
        recordsSeen: 400,
        recordsValid: 399,
        recordsSkipped: 1,
        skippedRecords: [{ page: 2, index: 7, reason: 'no name', id: 'p7' }],
        stopReason: 'last_page',
        endConfirmed: true,
        finishedAt: new Date(),
      }),
    );
    await runs.save(
      runs.create({
        connectionId: connection.id,
        entity: 'orders',
        trigger: 'schedule',
        status: 'failed',
        error: 'GET /api/orders failed: HTTP 200 body is not JSON (text/html)',
        finishedAt: new Date(),
      }),
    );
    await runs.save(
      runs.create({
        connectionId: connection.id,
        entity: 'products',
        trigger: 'manual',
        status: 'running',
        pagesFetched: 2,
        nextPage: 3,
        recordsSeen: 200,
      }),
    );
    await runs.update({ id: complete.id }, { startedAt: new Date(Date.now() - 600_000) });
    await dataSource.getRepository(PushOutcomeEntity).insert({
      connectionId: connection.id,
      entity: 'orders',
      storeId: 'o42',
      contentHash: 'h',
      status: 'rejected',
      reasons: ['total: must be a number'],
      attempts: 1,
      record: { id: 'o42' },
    });

    const response = await fetch(merchantLink());
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html).not.toContain('<script');
    expect(html).toContain('<h2>Synchronisation in progress</h2>');
    expect(html).toContain('<progress max="4" value="2"></progress>');
    expect(html).toContain('2 of about 4 pages done · 200 records read');
    expect(html).toContain('Read to the end: the store said this was its last page.');
    expect(html).toContain('<li>Page 2, index 7 (id <code>p7</code>): no name</li>');
    expect(html).toContain(
      'The store answered a web page instead of data: the store URL or path is probably wrong.',
    );
    expect(html).toContain('<li>Orders <code>o42</code>,');
    expect(html).toContain('total: must be a number');
    for (const secret of [
      STORE_KEY,
      STORE_WEBHOOK_SECRET,
      ACCESS_TOKEN,
      SECRET,
      connection.credentialsCiphertext,
      connection.webhookSecretCiphertext ?? 'no webhook secret ciphertext',
    ]) {
      expect(html).not.toContain(secret);
    }
  });
});
