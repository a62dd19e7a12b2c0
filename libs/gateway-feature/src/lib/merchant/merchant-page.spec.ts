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

describe('renderMerchantNotice', () => {
  it('is one escaped sentence under its title', () => {
    const html = renderMerchantNotice('Link refused', 'This <link> is not valid.');

    expect(html).toContain('<h1>Link refused</h1>');
    expect(html).toContain('This &lt;link&gt; is not valid.');
  });
});
