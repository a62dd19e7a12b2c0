import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger, type INestApplication } from '@nestjs/common';
import { startDemoStore, type DemoStore } from '@storebridge/demo-store';
import { SyncRunEntity, type StoreConnectionEntity } from '@storebridge/persistence';
import { localUrl } from '@storebridge/runtime';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { DataSource, type Repository } from 'typeorm';
import { startGateway } from './gateway-app.module';
import { connectionThroughLifecycle } from './testing/connect-store';
import { gatewaySpecEnv, specSecrets } from './testing/gateway-env';
import {
  seedDeadLetter,
  seedFinishedProductsCrawl,
  seedRunningProductsCrawl,
  seedSyncRun,
} from './testing/seed-reports';

const SECRETS = specSecrets('status-page');
const ADMIN_TOKEN = SECRETS.adminToken;
const PUBLIC_BASE_URL = 'https://bridge.example.com';
const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

// Only a missing browser skips: one that is there and fails to start fails the suite.
const browserInstalled = existsSync(CHROMIUM_PATH);
if (!browserInstalled) {
  console.warn(
    `Skipping the status page browser test: no Chromium at ${CHROMIUM_PATH}. Install it (apt-get install -y chromium, see tools/setup-test-env.sh) or set CHROMIUM_PATH.`,
  );
}
const describeInBrowser = browserInstalled ? describe : describe.skip;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// Issue #19 item 4: the status page as an operator sees it, in a real headless Chromium: sign in with the token,
// read the connection, its webhook URLs, the running crawl's bar, the last runs and the dead letters; the bar moves
// while sync writes the run's row, without a reload.
describeInBrowser('gateway app, the admin status page in a browser', () => {
  let store: DemoStore;
  let app: INestApplication;
  let url: string;
  let browser: Browser;
  let page: Page;
  let connection: StoreConnectionEntity;
  let runs: Repository<SyncRunEntity>;
  let running: SyncRunEntity;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    store = await startDemoStore({ apiKey: SECRETS.storeApiKey, productCount: 1 });
    const env = gatewaySpecEnv(SECRETS, 'ef'.repeat(32), { ADMIN_TOKEN, PUBLIC_BASE_URL });
    app = await startGateway(env, { host: '127.0.0.1', port: 0 });
    url = localUrl(app);
    connection = await connectionThroughLifecycle(app, { ...SECRETS, gatewayUrl: url, storeUrl: store.url });

    // As sync and push write them: a complete crawl, a failed one, a running one; a record ShopiMind rejected.
    runs = app.get(DataSource).getRepository(SyncRunEntity);
    await seedFinishedProductsCrawl(app, connection, 'short_page');
    await seedSyncRun(
      app,
      {
        connectionId: connection.id,
        entity: 'orders',
        trigger: 'activate',
        status: 'failed',
        error: 'GET /api/orders failed: HTTP 401: the store rejected the credential',
        finishedAt: new Date(),
      },
      300_000,
    );
    running = await seedRunningProductsCrawl(app, connection, 1);
    await seedDeadLetter(app, {
      connectionId: connection.id,
      entity: 'products',
      storeId: 'p1',
      reasons: ['price: must be a number'],
      attempts: 2,
    });

    browser = await puppeteer.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--no-sandbox', '--headless=new'],
    });
    page = await browser.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') {
        consoleErrors.push(message.text());
      }
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await store?.close();
    jest.restoreAllMocks();
  });

  it('sends a browser without a session to the login form, and refuses a wrong token there', async () => {
    await page.goto(`${url}/admin/status`);

    expect(new URL(page.url()).pathname).toBe('/admin/login');

    await page.type('#token', `${ADMIN_TOKEN}x`);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);

    expect(await visibleText(page)).toContain('That is not the admin token.');
    expect(await page.cookies()).toEqual([]);
  });

  it('signs in with the token into a session cookie that does not hold it', async () => {
    // The refused sign-in's 401 is logged by the browser; from here on, nothing should be.
    consoleErrors.length = 0;
    await page.goto(`${url}/admin/login`);
    await page.type('#token', ADMIN_TOKEN);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);

    expect(new URL(page.url()).pathname).toBe('/admin/status');
    const [cookie] = await page.cookies();
    expect(cookie).toMatchObject({ name: 'storebridge_admin_session', httpOnly: true, sameSite: 'Strict' });
    expect(cookie.value).not.toContain(ADMIN_TOKEN);
  });

  it('shows the connection, its webhook URLs, the running crawl, the last runs and the dead letters', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'storebridge-status-page-'));
    const screenshot = join(directory, 'status-page.png');
    await page.setViewport({ width: 1280, height: 900 });
    await page.screenshot({ path: screenshot, fullPage: true });
    const png = await readFile(screenshot);

    expect(png.length).toBeGreaterThan(10_000);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);

    const text = await visibleText(page);
    expect(text).toContain(store.url);
    for (const kind of ['products', 'orders', 'sync']) {
      expect(text).toContain(`${PUBLIC_BASE_URL}/api/generic-api/webhooks/${connection.storeToken}/${kind}`);
    }
    expect(text).toContain('Running crawls');
    expect(text).toContain('Crawling products since');
    expect(text).toContain('1 of about 4 pages done · 100 records read');
    expect(text).toContain('Last runs');
    expect(text).toContain('Read to the end: the last page had fewer records than a full page.');
    expect(text).toContain('page 2, index 7 (id p7): no name');
    expect(text).toContain(
      'The store refused our credential: check the API key or password in the configuration.',
    );
    expect(text).toContain('Dead letters');
    expect(text).toMatch(/products\s+p1\s+price: must be a number\s+2/);
    for (const secret of [
      SECRETS.storeApiKey,
      SECRETS.storeWebhookSecret,
      ADMIN_TOKEN,
      connection.credentialsCiphertext,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(await progressOf(page, running.id)).toEqual({ value: 1, max: 4 });
  });

  it("moves the running crawl's bar and words as sync writes its row, without a reload", async () => {
    // Gone if the page reloaded.
    await page.evaluate('window.notReloaded = true');

    await runs.update({ id: running.id }, { pagesFetched: 3, nextPage: 4, recordsSeen: 300 });

    await page.waitForFunction(`${progressBarOf(running.id)}?.value === 3`, { timeout: 10_000 });
    expect(await progressOf(page, running.id)).toEqual({ value: 3, max: 4 });
    expect(await visibleText(page)).toContain('3 of about 4 pages done · 300 records read');
    expect(await page.evaluate('window.notReloaded')).toBe(true);
    // The inline script ran under the page's CSP nonce, and nothing was refused.
    expect(consoleErrors).toEqual([]);
  });
});

/*
 * What runs in the page is written as expressions: this project compiles without the DOM's types (adding them
 * would clash with Node's fetch types), and these read like what a person would type in the browser's console.
 */

function visibleText(page: Page): Promise<string> {
  return page.evaluate('document.body.innerText') as Promise<string>;
}

/** Run ids are UUIDs: nothing to escape in the selector. */
function progressBarOf(runId: string): string {
  return `document.querySelector('[data-crawl="${runId}"] progress')`;
}

function progressOf(page: Page, runId: string): Promise<{ value: number; max: number } | null> {
  return page.evaluate(
    `(bar => bar && { value: bar.value, max: bar.max })(${progressBarOf(runId)})`,
  ) as Promise<{ value: number; max: number } | null>;
}
