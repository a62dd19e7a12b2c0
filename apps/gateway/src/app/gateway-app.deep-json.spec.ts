import { Logger, type INestApplication } from '@nestjs/common';
import { GatewayEnv, loadEnv } from '@storebridge/config';
import { startDemoStore, type DemoStore } from '@storebridge/demo-store';
import { localUrl, startService } from '@storebridge/runtime';
import { hmacSha256Hex, signShopimindPayload } from '@storebridge/security';
import {
  buildAuthorizeUrl,
  openConsentPage,
  SANDBOX_OAUTH_REDIRECT_URI,
  submitConsentForm,
} from '@storebridge/shopimind-sandbox';
import { gatewayAppModule } from './gateway-app.module';
import { connectStoreThroughLifecycle } from './testing/connect-store';

const SECRET = 'gateway-deep-json-secret-0123456789';
const STORE_KEY = 'deep-json-store-key-0123456789';
const STORE_WEBHOOK_SECRET = 'deep-json-store-webhook-secret';
const INSTALLATION_ID = 'inst_deep_json';

const TOO_DEEP = {
  status: 400,
  body: { success: false, error: 'json_too_deep', message: 'the JSON body is nested deeper than 64 levels' },
};

/** `{"a":{"a":…1…}}`, `levels` objects deep, built as text so nothing here recurses. */
function nested(levels: number): string {
  return '{"a":'.repeat(levels - 1) + '{"a":1}' + '}'.repeat(levels - 1);
}

/** A plausible body for the route with one field nested `levels` deep (the whole body one level more). */
const deepBodies: Record<string, (levels: number) => string> = {
  lifecycle: (levels) =>
    `{"event":"config_updated","installation_id":"${INSTALLATION_ID}","configs":${nested(levels - 1)}}`,
  configMap: (levels) => `{"store_base_url":"https://shop.example.com","extra":${nested(levels - 1)}}`,
  storeEvent: (levels) => `{"event":"product.updated","data":{"ref":"p1","extra":${nested(levels - 2)}}}`,
  consentForm: (levels) => `{"state":"st_deep","store_base_url":${nested(levels - 1)}}`,
};

// One clock reading for the whole file, each signed request a second older: never the same request twice.
const SUITE_STARTED_AT = Math.floor(Date.now() / 1000);
let sequence = 0;

function nextTimestamp(): number {
  return SUITE_STARTED_AT - ++sequence;
}

function shopimindHeaders(body: string): Record<string, string> {
  const timestamp = nextTimestamp();
  return {
    'x-shopimind-signature': signShopimindPayload(SECRET, timestamp, body),
    'x-shopimind-timestamp': String(timestamp),
  };
}

async function postJson(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: await response.json() };
}

// Issue #18 item 8, #20 item 3: recursive code (validation, class-transformer) overflowed the stack on deep
// bodies and answered 500, which senders retry. The real gateway, so every route's own pipes and guards run.
describe('gateway app, JSON nested too deep', () => {
  let store: DemoStore;
  let app: INestApplication;
  let url: string;
  let storeToken: string;

  beforeAll(async () => {
    store = await startDemoStore({ apiKey: STORE_KEY, productCount: 1 });
    const env = loadEnv(GatewayEnv, {
      CREDENTIALS_KEY: 'ef'.repeat(32),
      WEBHOOK_SECRET: SECRET,
      DATA_DIR: 'memory://',
      LOG_LEVEL: 'error',
      ALLOW_PRIVATE_STORE_URLS: 'true',
      OAUTH_REDIRECT_URIS: SANDBOX_OAUTH_REDIRECT_URI,
    });
    app = await startService(gatewayAppModule(env), {
      serviceName: 'gateway',
      env,
      port: 0,
      host: '127.0.0.1',
    });
    url = localUrl(app);
    storeToken = await connectStore();
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  async function connectStore(): Promise<string> {
    return connectStoreThroughLifecycle(app, {
      gatewayUrl: url,
      webhookSecret: SECRET,
      installationId: INSTALLATION_ID,
      accessToken: 'spm_deep',
      storeUrl: store.url,
      storeApiKey: STORE_KEY,
      storeWebhookSecret: STORE_WEBHOOK_SECRET,
      nextTimestamp,
    });
  }

  describe.each([5_000, 10_000])('at %i levels', (levels) => {
    it.each([
      ['/webhook/receive', deepBodies.lifecycle],
      ['/webhook/test-connection', deepBodies.configMap],
      ['/webhook/remote-data/categories', deepBodies.configMap],
    ])('refuses a correctly signed body on %s with 400 and the reason', async (path, deepBody) => {
      const body = deepBody(levels);

      expect(await postJson(`${url}${path}`, body, shopimindHeaders(body))).toEqual(TOO_DEEP);
    });

    it.each(['products', 'orders', 'sync'])(
      'refuses a correctly signed store webhook on /%s with 400 and the reason',
      async (entity) => {
        const body = deepBodies.storeEvent(levels);
        const signature = { 'x-webhook-signature': hmacSha256Hex(STORE_WEBHOOK_SECRET, body) };

        expect(
          await postJson(`${url}/api/generic-api/webhooks/${storeToken}/${entity}`, body, signature),
        ).toEqual(TOO_DEEP);
      },
    );

    it('refuses it on the OAuth consent form with 400 and the reason', async () => {
      expect(await postJson(`${url}/oauth/consent`, deepBodies.consentForm(levels))).toEqual(TOO_DEEP);
    });
  });

  // 500,000 arrays is about the deepest body under the 1 MiB limit: JSON.parse must read it without a RangeError.
  it.each([100_000, 500_000])('refuses %i levels, parsed without overflowing, with 400', async (levels) => {
    const body = `{"event":"install","installation_id":"${INSTALLATION_ID}","configs":${'['.repeat(levels)}${']'.repeat(levels)}}`;

    expect(await postJson(`${url}/webhook/receive`, body, shopimindHeaders(body))).toEqual(TOO_DEEP);
  });

  describe('still answers ordinary requests', () => {
    it.each([
      [
        '/webhook/receive',
        { event: 'deactivate', installation_id: 'inst_never_installed' },
        { success: false, error: 'unknown_installation' },
      ],
      [
        '/webhook/test-connection',
        { store_base_url: 'https://shop.example.com', store_auth_method: 'none' },
        { success: false, error: expect.stringContaining('store_auth_method') },
      ],
      ['/webhook/remote-data/categories', { store_base_url: 'https://shop.example.com' }, { data: [] }],
    ])('a signed request on %s gets the answer of its handler', async (path, event, answer) => {
      const body = JSON.stringify(event);

      expect(await postJson(`${url}${path}`, body, shopimindHeaders(body))).toEqual({
        status: 200,
        body: answer,
      });
    });

    it('accepts a body exactly 64 levels deep', async () => {
      const body = deepBodies.lifecycle(64);

      expect(await postJson(`${url}/webhook/receive`, body, shopimindHeaders(body))).toEqual({
        status: 200,
        body: { success: false, error: expect.stringContaining('invalid_config') },
      });
    });

    it.each(['products', 'orders', 'sync'])('a signed store webhook on /%s is processed', async (entity) => {
      const body = JSON.stringify(
        entity === 'orders'
          ? { event: 'order.created', data: { order_id: 1001, total: '20.00' } }
          : { event: 'product.updated', data: { id: 'p1', price: '9.99' } },
      );
      const signature = { 'x-webhook-signature': hmacSha256Hex(STORE_WEBHOOK_SECRET, body) };

      expect(
        await postJson(`${url}/api/generic-api/webhooks/${storeToken}/${entity}`, body, signature),
      ).toEqual({
        status: 200,
        body: { success: true, message: 'Webhook processed' },
      });
    });

    it('the OAuth consent form reaches its handler, which tests the store and shows the form again', async () => {
      const page = await openConsentPage(buildAuthorizeUrl(url, { secret: SECRET }));

      // Nothing listens on port 1: the handler read every field, tried the store, and asks to fix it (422).
      const submitted = await submitConsentForm(page, {
        storeBaseUrl: 'http://127.0.0.1:1',
        authMethod: 'api_key',
        token: STORE_KEY,
      });

      expect(page.status).toBe(200);
      expect(submitted.status).toBe(422);
      expect(submitted.page.errors.join(' ')).toContain('Connection test failed');
    });
  });
});
