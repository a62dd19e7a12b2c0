import { randomUUID } from 'node:crypto';
import { Logger, type INestApplication } from '@nestjs/common';
import { Subjects } from '@storebridge/contracts';
import { startDemoStore, type DemoStore } from '@storebridge/demo-store';
import { InstallationRepository } from '@storebridge/gateway-persistence';
import { MessagingTransport } from '@storebridge/messaging';
import { StoreConnectionRepository, type StoreConnectionEntity } from '@storebridge/persistence';
import { localUrl, startService } from '@storebridge/runtime';
import { hmacSha256Hex } from '@storebridge/security';
import { startShopimindSandbox, type ShopimindSandbox } from '@storebridge/shopimind-sandbox';
import { gatewayAppModule } from './gateway-app.module';
import { gatewaySpecEnv, specSecrets } from './testing/gateway-env';
import type { InProcessBus } from './testing/in-process-bus';
import { signedMerchantLink } from './testing/merchant-link';

const SECRETS = specSecrets('merchant');
const CREDENTIALS_KEY = '9a'.repeat(32);

interface Option {
  value: string;
  label: string;
}

// Issue #19 item 1: the merchant finds the store webhook URLs in ShopiMind's form (a remote select) and on a page
// of ours behind a signed link, and the URLs listed work as they are. The real gateway, ShopiMind played by the
// sandbox's signed lifecycle.
describe('gateway app, the store webhook URLs shown to the merchant', () => {
  let store: DemoStore;
  let sandbox: ShopimindSandbox;
  let app: INestApplication;
  let url: string;
  let bus: InProcessBus;
  let connection: StoreConnectionEntity;
  let options: Option[];
  const productEvents: Array<Record<string, unknown>> = [];
  const subscriptions: Array<{ stop(): Promise<void> }> = [];
  let configs: Record<string, unknown>;

  beforeAll(async () => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    store = await startDemoStore({ apiKey: SECRETS.storeApiKey, productCount: 1 });
    sandbox = await startShopimindSandbox();
    const env = gatewaySpecEnv(SECRETS, CREDENTIALS_KEY);
    app = await startService(gatewayAppModule(env), {
      serviceName: 'gateway',
      env,
      port: 0,
      host: '127.0.0.1',
    });
    url = localUrl(app);
    bus = app.get(MessagingTransport).unwrap<InProcessBus>();
    subscriptions.push(
      bus.subscribe('merchant-spec', Subjects.storeProductEventReceived, 1, async (delivery) => {
        productEvents.push(JSON.parse(delivery.data) as Record<string, unknown>);
        return { kind: 'ack' };
      }),
    );

    configs = {
      store_base_url: store.url,
      store_auth_method: 'api_key',
      store_api_token: SECRETS.storeApiKey,
      store_webhook_secret: SECRETS.storeWebhookSecret,
      lang: 'en',
      currency: 'EUR',
    };
    sandbox.createInstallation({ installationId: SECRETS.installationId });
    const ok = { status: 200, body: { success: true } };
    expect(
      await sandbox.lifecycle.install(url, SECRETS.installationId, { secret: SECRETS.webhookSecret }),
    ).toEqual(ok);
    expect(
      await sandbox.lifecycle.activate(url, SECRETS.installationId, {
        secret: SECRETS.webhookSecret,
        configs,
      }),
    ).toEqual(ok);
    const installation = await app.get(InstallationRepository).findByInstallationId(SECRETS.installationId);
    const stored =
      installation && (await app.get(StoreConnectionRepository).findByInstallation(installation.id));
    if (!stored) {
      throw new Error('the activation stored no store connection');
    }
    connection = stored;

    const answer = await sandbox.lifecycle.remoteData(url, 'store_webhooks', configs, {
      secret: SECRETS.webhookSecret,
    });
    expect(answer.status).toBe(200);
    options = (answer.body as { data: Option[] }).data;
  });

  afterAll(async () => {
    await Promise.all(subscriptions.map((subscription) => subscription.stop()));
    await app?.close();
    await sandbox?.close();
    await store?.close();
    jest.restoreAllMocks();
  });

  function optionLabel(value: string): string {
    const option = options.find((candidate) => candidate.value === value);
    if (!option) {
      throw new Error(`no option ${value} in ${JSON.stringify(options)}`);
    }
    return option.label;
  }

  function merchantLink(): string {
    const link = /(https?:\/\/\S+)$/.exec(optionLabel('merchant_page'))?.[1];
    if (!link) {
      throw new Error(`no link in ${optionLabel('merchant_page')}`);
    }
    return link;
  }

  it('lists the three webhook URLs with the connection’s store token, and how they are signed', () => {
    const prefix = `${url}/api/generic-api/webhooks/${connection.storeToken}`;

    expect(options.slice(0, 4)).toEqual([
      { value: 'products', label: `${prefix}/products` },
      { value: 'orders', label: `${prefix}/orders` },
      { value: 'sync', label: `${prefix}/sync` },
      {
        value: 'signature',
        label:
          'Store webhooks are signed with the webhook secret of field "Store webhook signing secret": X-Webhook-Signature',
      },
    ]);
    expect(JSON.stringify(options)).not.toContain(SECRETS.storeWebhookSecret);
  });

  it('lists no URL for a form holding another credential for the same store', async () => {
    const answer = await sandbox.lifecycle.remoteData(
      url,
      'store_webhooks',
      { ...configs, store_api_token: 'a-guessed-key-0123456789' },
      { secret: SECRETS.webhookSecret },
    );

    expect(answer.status).toBe(200);
    const labels = (answer.body as { data: Option[] }).data.map((option) => option.label);
    expect(labels).toEqual([expect.stringContaining('appear here once the integration is activated')]);
    expect(JSON.stringify(answer.body)).not.toContain(connection.storeToken);
  });

  it('takes a signed product webhook posted to the products URL exactly as listed', async () => {
    const body = JSON.stringify({ event: 'product.updated', data: { id: 'merchant-p1', price: '12.50' } });

    const response = await fetch(optionLabel('products'), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-webhook-signature': hmacSha256Hex(SECRETS.storeWebhookSecret, body),
      },
      body,
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ success: true, message: 'Webhook processed' });
    const deadline = Date.now() + 5_000;
    while (productEvents.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(productEvents).toEqual([
      expect.objectContaining({
        connectionId: connection.id,
        event: 'product.updated',
        data: { id: 'merchant-p1', price: '12.50' },
      }),
    ]);
  });

  it('opens the merchant page from the listed link: the URLs and the store token, never the secret', async () => {
    const response = await fetch(merchantLink());
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    for (const value of ['products', 'orders', 'sync']) {
      expect(html).toContain(optionLabel(value));
    }
    expect(html).toContain(connection.storeToken);
    expect(html).toContain('X-Webhook-Signature');
    expect(html).not.toContain(SECRETS.storeWebhookSecret);
  });

  it.each([
    [
      'a tampered signature',
      (link: URL) => link.searchParams.set('sig', flipLastHex(link.searchParams.get('sig'))),
    ],
    [
      'a stretched expiry',
      (link: URL) => link.searchParams.set('expires', String(Number(link.searchParams.get('expires')) + 1)),
    ],
    ['another connection id', (link: URL) => (link.pathname = `/merchant/connections/${randomUUID()}`)],
    ['no signature', (link: URL) => link.searchParams.delete('sig')],
  ])('refuses the link with %s: 403 and a plain page', async (_label, tamper) => {
    const link = new URL(merchantLink());
    tamper(link);

    const response = await fetch(link);
    const html = await response.text();

    expect(response.status).toBe(403);
    expect(html).toContain('This link is not valid.');
    expect(html).not.toContain(connection.storeToken);
  });

  it('refuses an expired link with 403, saying it expired', async () => {
    const response = await fetch(signedLink(connection.id, Math.floor(Date.now() / 1000) - 1));

    expect(response.status).toBe(403);
    expect(await response.text()).toContain('This link has expired.');
  });

  it('answers 404 for a correctly signed link to a connection that no longer exists', async () => {
    const response = await fetch(signedLink(randomUUID(), Math.floor(Date.now() / 1000) + 60));

    expect(response.status).toBe(404);
    expect(await response.text()).toContain('This store connection no longer exists.');
  });

  function signedLink(connectionId: string, expires: number): string {
    return signedMerchantLink(url, CREDENTIALS_KEY, connectionId, expires);
  }
});

function flipLastHex(sig: string | null): string {
  const value = sig ?? '';
  return `${value.slice(0, -1)}${value.endsWith('0') ? '1' : '0'}`;
}
