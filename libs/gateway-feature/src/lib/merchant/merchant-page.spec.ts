import { crawlProgressView, deadLetterView, syncRunView } from '../admin/connection-report-views.fake';
import { renderMerchantNotice, renderMerchantPage, type MerchantPageModel } from './merchant-page';
import { storeWebhooksInfo } from './store-webhook-urls';

function model(overrides: Partial<MerchantPageModel> = {}): MerchantPageModel {
  return {
    storeBaseUrl: 'https://shop.example.com',
    webhooks: storeWebhooksInfo(
      { storeToken: 'tok_123', webhookSecretCiphertext: 'v1.encrypted' },
      'https://gateway.example.com',
    ),
    linkExpiresAt: new Date('2030-01-08T00:00:00Z'),
    urlsAreRelative: false,
    runs: [],
    deadLetters: [],
    ...overrides,
  };
}

describe('renderMerchantPage', () => {
  it('shows the three webhook URLs, the store token and how the webhooks are signed', () => {
    const html = renderMerchantPage(model());

    for (const kind of ['products', 'orders', 'sync']) {
      expect(html).toContain(`https://gateway.example.com/api/generic-api/webhooks/tok_123/${kind}`);
    }
    expect(html).toContain('<code>tok_123</code>');
    expect(html).toContain(
      'signed with the webhook secret of field &quot;Store webhook signing secret&quot;: X-Webhook-Signature',
    );
    expect(html).toContain('2030-01-08T00:00:00.000Z');
    expect(html).not.toContain('<script');
  });

  it('says when the webhooks are not signed', () => {
    const webhooks = storeWebhooksInfo(
      { storeToken: 't', webhookSecretCiphertext: null },
      'https://g.example',
    );

    expect(renderMerchantPage(model({ webhooks }))).toContain('not signed: no webhook secret set');
  });

  it('escapes every value, ours included', () => {
    const html = renderMerchantPage(
      model({
        storeBaseUrl: 'https://shop.example.com/"><script>alert(1)</script>',
        webhooks: storeWebhooksInfo(
          { storeToken: '<b>&', webhookSecretCiphertext: null },
          "https://g'.example",
        ),
      }),
    );

    expect(html).not.toMatch(/<script|<b>/);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('<code>&lt;b&gt;&amp;</code>');
    expect(html).toContain('https://g&#39;.example');
  });

  it('asks for our address in front of paths when it is unknown', () => {
    const webhooks = storeWebhooksInfo({ storeToken: 't', webhookSecretCiphertext: null }, '');
    const html = renderMerchantPage(model({ webhooks, urlsAreRelative: true }));

    expect(html).toContain('<code>/api/generic-api/webhooks/t/products</code>');
    expect(html).toContain('in front of each path');
  });
});

describe('renderMerchantPage, the synchronisation sections', () => {
  it('tells the last runs: times, counts, how they ended, skipped records with page and index', () => {
    const html = renderMerchantPage(model({ runs: [syncRunView()] }));

    expect(html).toContain('<h2>Last synchronisations</h2>');
    expect(html).toContain('Started 2030-01-01 10:00:00 UTC, finished 2030-01-01 10:05:00 UTC.');
    expect(html).toContain('4 pages, 400 records read, 398 valid, 2 skipped, 12 changed, 1 deleted.');
    expect(html).toContain('Read to the end: the last page had fewer records than a full page.');
    expect(html).toContain('<li>Page 2, index 7 (id <code>p7</code>): no name</li>');
    expect(html).toContain('<li>Page 3, index 0: no id</li>');
    expect(html).not.toContain('Synchronisation in progress');
  });

  it('puts a failed run in plain words, the message kept beside it', () => {
    const failed = syncRunView({
      status: 'failed',
      stopReason: null,
      error: 'GET /api/products failed: HTTP 401: the store rejected the credential',
      skippedRecords: [],
    });

    const html = renderMerchantPage(model({ runs: [failed] }));

    expect(html).toContain('<span class="failed">Failed</span>');
    expect(html).toContain(
      'The store refused our credential: check the API key or password in the configuration.',
    );
  });

  it("shows a running crawl's pages against the last complete crawl, its rate and the time left", () => {
    const running = syncRunView({
      status: 'running',
      finishedAt: null,
      stopReason: null,
      skippedRecords: [],
      counts: { ...syncRunView().counts, pagesFetched: 2, recordsSeen: 200 },
      progress: crawlProgressView(),
    });

    const html = renderMerchantPage(model({ runs: [running] }));

    expect(html).toContain('<h2>Synchronisation in progress</h2>');
    expect(html).toContain('<progress max="4" value="2"></progress>');
    expect(html).toContain(
      '2 of about 4 pages done · 200 records read · 10 records/s · about 3 min 20 s left',
    );
  });

  it('lists the dead letters with their reasons, and says when there are none', () => {
    expect(renderMerchantPage(model({ deadLetters: [deadLetterView()] }))).toContain(
      '<li>Products <code>p9</code>, 2030-01-01 11:00:00 UTC: price: must be a number</li>',
    );
    expect(renderMerchantPage(model())).toMatch(/<h2>Records ShopiMind refused<\/h2>\n<p>None\.<\/p>/);
  });

  it('escapes what the store and ShopiMind wrote', () => {
    const html = renderMerchantPage(
      model({
        runs: [syncRunView({ skippedRecords: [{ page: 1, index: 0, reason: '<img src=x>', id: '"><b>' }] })],
        deadLetters: [{ ...deadLetterView(), storeId: '<i>', reasons: ['<script>x</script>'] }],
      }),
    );

    expect(html).not.toMatch(/<img|<b>|<i>|<script/);
    expect(html).toContain('&lt;img src=x&gt;');
  });
});

describe('renderMerchantNotice', () => {
  it('is one escaped sentence under its title', () => {
    const html = renderMerchantNotice('Link refused', 'This <link> is not valid.');

    expect(html).toContain('<h1>Link refused</h1>');
    expect(html).toContain('This &lt;link&gt; is not valid.');
  });
});
