import { Logger, type INestApplication } from '@nestjs/common';
import { startDemoStore, type DemoStore } from '@storebridge/demo-store';
import type { StoreConnectionEntity } from '@storebridge/persistence';
import { localUrl } from '@storebridge/runtime';
import { startGateway } from './gateway-app.module';
import { connectionThroughLifecycle, secretsOfConnection } from './testing/connect-store';
import { gatewaySpecEnv, specSecrets } from './testing/gateway-env';
import { signedMerchantLink } from './testing/merchant-link';
import {
  seedDeadLetter,
  seedFinishedProductsCrawl,
  seedRunningProductsCrawl,
  seedSyncRun,
} from './testing/seed-reports';

const SECRETS = specSecrets('merchant-sections');
const CREDENTIALS_KEY = '7b'.repeat(32);

// Issue #19 item 2: the merchant's page tells how the synchronisation of their connection goes, in plain words,
// with or without ADMIN_TOKEN (here without: the admin API is off).
describe('gateway app, the merchant page of a connection: runs, progress and dead letters', () => {
  let store: DemoStore;
  let app: INestApplication;
  let url: string;
  let connection: StoreConnectionEntity;

  beforeAll(async () => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    store = await startDemoStore({ apiKey: SECRETS.storeApiKey, productCount: 1 });
    app = await startGateway(gatewaySpecEnv(SECRETS, CREDENTIALS_KEY), { host: '127.0.0.1', port: 0 });
    url = localUrl(app);
    connection = await connectionThroughLifecycle(app, { ...SECRETS, gatewayUrl: url, storeUrl: store.url });
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
    jest.restoreAllMocks();
  });

  function merchantLink(): string {
    return signedMerchantLink(url, CREDENTIALS_KEY, connection.id, Math.floor(Date.now() / 1000) + 600);
  }

  it('says there is no synchronisation and no refused record yet', async () => {
    const html = await (await fetch(merchantLink())).text();

    expect(html).toMatch(/<h2>Last synchronisations<\/h2>\n<p>None yet\.<\/p>/);
    expect(html).toMatch(/<h2>Records ShopiMind refused<\/h2>\n<p>None\.<\/p>/);
  });

  it('shows the last runs in plain words, the running crawl, and the dead letters, never a credential', async () => {
    await seedFinishedProductsCrawl(app, connection, 'last_page');
    await seedSyncRun(app, {
      connectionId: connection.id,
      entity: 'orders',
      trigger: 'schedule',
      status: 'failed',
      error: 'GET /api/orders failed: HTTP 200 body is not JSON (text/html)',
      finishedAt: new Date(),
    });
    await seedRunningProductsCrawl(app, connection, 2);
    await seedDeadLetter(app, {
      connectionId: connection.id,
      entity: 'orders',
      storeId: 'o42',
      reasons: ['total: must be a number'],
      attempts: 1,
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
    for (const secret of secretsOfConnection(SECRETS, connection)) {
      expect(html).not.toContain(secret);
    }
  });
});
