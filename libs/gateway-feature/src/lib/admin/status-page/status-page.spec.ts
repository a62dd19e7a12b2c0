import type { InstallationView, SyncRunView } from '../connection-report';
import { crawlProgressView, deadLetterView, syncRunView } from '../connection-report-views.fake';
import { renderAdminLoginPage, renderStatusPage } from './status-page';
import { liveCrawls, type StatusSnapshot } from './status-snapshot';

const CONNECTION_ID = '33333333-3333-4333-8333-333333333333';
const RUNNING_ID = '44444444-4444-4444-8444-444444444444';

function installation(overrides: Partial<InstallationView> = {}): InstallationView {
  return {
    id: '55555555-5555-4555-8555-555555555555',
    installationId: 'inst_1',
    shopDomain: 'shop.example.com',
    shopName: 'Example shop',
    status: 'active',
    installedAt: '2030-01-01T00:00:00.000Z',
    activatedAt: '2030-01-01T00:01:00.000Z',
    deactivatedAt: null,
    connection: {
      id: CONNECTION_ID,
      installationId: '55555555-5555-4555-8555-555555555555',
      status: 'active',
      storeBaseUrl: 'https://shop.example.com',
      authMethod: 'api_key',
      webhookUrls: {
        products: 'https://bridge.example.com/api/generic-api/webhooks/tok/products',
        orders: 'https://bridge.example.com/api/generic-api/webhooks/tok/orders',
        sync: 'https://bridge.example.com/api/generic-api/webhooks/tok/sync',
      },
      webhookSecretSet: true,
      syncIntervalMinutes: 60,
      perPage: 100,
      nextSyncAt: null,
      updatedAt: '2030-01-01T00:00:00.000Z',
    },
    ...overrides,
  };
}

const COUNTS = {
  pagesFetched: 2,
  recordsSeen: 200,
  recordsValid: 200,
  recordsSkipped: 0,
  recordsChanged: 0,
  recordsDeleted: 0,
  deletionsHeld: 0,
};

const RUNNING: SyncRunView = syncRunView({
  id: RUNNING_ID,
  trigger: 'manual',
  status: 'running',
  finishedAt: null,
  counts: COUNTS,
  stopReason: null,
  endConfirmed: null,
  skippedRecords: [],
  progress: crawlProgressView({ estimatedSecondsLeft: 20 }),
});

const FAILED: SyncRunView = {
  ...RUNNING,
  id: '66666666-6666-4666-8666-666666666666',
  entity: 'orders',
  status: 'failed',
  finishedAt: '2030-01-01T09:00:00.000Z',
  error: 'GET /api/orders failed: HTTP 404: no such endpoint (check the base URL and the endpoint path)',
  skippedRecords: [{ page: 2, index: 7, reason: 'no id' }],
  progress: null,
};

function snapshot(overrides: Partial<StatusSnapshot> = {}): StatusSnapshot {
  return {
    generatedAt: '2030-01-01T10:00:20.000Z',
    entries: [{ installation: installation(), runs: [RUNNING, FAILED] }],
    deadLetters: [
      deadLetterView({ connectionId: CONNECTION_ID, attempts: 3, updatedAt: '2030-01-01T08:00:00.000Z' }),
    ],
    ...overrides,
  };
}

describe('renderStatusPage', () => {
  const html = renderStatusPage(snapshot(), 'nonce123');

  it('shows the connection, its webhook URLs, the running crawl, the last runs and the dead letters', () => {
    expect(html).toContain('<code>https://shop.example.com</code>');
    expect(html).toContain('<code>https://bridge.example.com/api/generic-api/webhooks/tok/orders</code>');
    expect(html).toContain(`<div class="crawl" data-crawl="${RUNNING_ID}">`);
    expect(html).toContain('max="4" value="2"></progress>');
    expect(html).toContain('2 of about 4 pages done · 200 records read · 10 records/s · about 20 s left');
    expect(html).toContain('The store has no such address: check the store URL and the endpoint path.');
    expect(html).toContain('<li>page 2, index 7: no id</li>');
    expect(html).toMatch(
      /<td>https:\/\/shop\.example\.com<\/td>\s*<td>products<\/td>\s*<td><code>p9<\/code>/,
    );
    expect(html).toContain('price: must be a number');
  });

  it('runs only its own script and style, both under the nonce', () => {
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('<script nonce="nonce123">');
    expect(html).toContain('<style nonce="nonce123">');
    expect(html).toContain('fetch("status.json"');
  });

  it('escapes every value', () => {
    const hostile = renderStatusPage(
      snapshot({
        entries: [
          {
            installation: installation({ shopName: '<script>alert(1)</script>' }),
            runs: [{ ...FAILED, error: '<img src=x onerror=alert(1)>' }],
          },
        ],
        deadLetters: [{ ...snapshot().deadLetters[0], storeId: '"><b>', reasons: ['<i>x</i>'] }],
      }),
      'n',
    );

    expect(hostile.match(/<script/g)).toHaveLength(1);
    expect(hostile).not.toMatch(/<img|<b>|<i>/);
    expect(hostile).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('says when there is nothing to show', () => {
    const empty = renderStatusPage(
      snapshot({
        entries: [{ installation: installation({ connection: null }), runs: [] }],
        deadLetters: [],
      }),
      'n',
    );

    expect(empty).toContain('no store connection configured yet');
    expect(empty).toContain('None: ShopiMind accepted every record it answered for.');
  });
});

describe('liveCrawls', () => {
  it('lists the running crawls with the bar and words the page shows', () => {
    expect(liveCrawls(snapshot())).toEqual([
      {
        runId: RUNNING_ID,
        connectionId: CONNECTION_ID,
        entity: 'products',
        bar: { value: 2, max: 4 },
        text: '2 of about 4 pages done · 200 records read · 10 records/s · about 20 s left',
      },
    ]);
  });
});

describe('renderAdminLoginPage', () => {
  it('is a password form posting to login, without script', () => {
    const page = renderAdminLoginPage('n');

    expect(page).toContain('<form method="post" action="login">');
    expect(page).toContain('type="password"');
    expect(page).not.toContain('<script');
    expect(page).not.toContain('not the admin token');
    expect(renderAdminLoginPage('n', true)).toContain('That is not the admin token.');
  });
});
