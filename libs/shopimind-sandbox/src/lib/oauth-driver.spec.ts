import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyShopimindQuery } from '@storebridge/security';
import {
  buildAuthorizeUrl,
  OAuthFlowError,
  openConsentPage,
  SANDBOX_OAUTH_REDIRECT_URI,
  submitConsentForm,
  walkOAuthConsent,
} from './oauth-driver';

const SECRET = 'whsec_sandbox_oauth_0123456789';

interface Received {
  query: URLSearchParams;
  cookie: string | undefined;
  form: URLSearchParams;
}

/**
 * A stand-in for the gateway's consent page, just faithful enough to exercise the driver: verifies the signed
 * link, serves a form with escaped hidden fields and a cookie, and redirects (or re-renders) on submit.
 */
class FakeConsentServer {
  readonly received: Received[] = [];
  /** What the POST answers: a redirect to the callback, or the page again with an error. */
  outcome: 'redirect' | 'retry' = 'redirect';
  private readonly server: Server;

  constructor() {
    this.server = createServer((request, response) => {
      void this.handle(request).then(({ status, headers, body }) => {
        response.writeHead(status, headers);
        response.end(body);
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/gw`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(
    request: IncomingMessage,
  ): Promise<{ status: number; headers: Record<string, string | string[]>; body: string }> {
    const url = new URL(request.url ?? '/', 'http://fake.invalid');
    let raw = '';
    for await (const chunk of request) {
      raw += String(chunk);
    }
    this.received.push({
      query: url.searchParams,
      cookie: request.headers.cookie,
      form: new URLSearchParams(raw),
    });
    if (request.method === 'GET' && url.pathname === '/gw/oauth/authorize') {
      const verdict = verifyShopimindQuery({
        params: url.searchParams,
        secrets: [SECRET],
        nowSeconds: Math.floor(Date.now() / 1000),
        maxAgeSeconds: 300,
        maxFutureSeconds: 60,
      });
      if (verdict !== 'valid') {
        return { status: 400, headers: {}, body: `<main><h1>Invalid link</h1><p>${verdict}</p></main>` };
      }
      return {
        status: 200,
        headers: {
          'set-cookie': ['oauth_csrf_a1=tok; Path=/; HttpOnly; SameSite=Strict', 'other=1; Path=/'],
        },
        body: `<main><form method="post" action="consent">
<input type="hidden" name="authorization_id" value="a1">
<input type="hidden" name="csrf_token" value="t&amp;&quot;k">
<input type="hidden" name="state_echo" value="${url.searchParams.get('state') ?? ''}">
<input id="store_base_url" name="store_base_url" value=""></form></main>`,
      };
    }
    if (request.method === 'POST' && url.pathname === '/gw/oauth/consent') {
      const form = new URLSearchParams(raw);
      if (this.outcome === 'retry') {
        return {
          status: 422,
          headers: {},
          body: `<main><div class="errors" role="alert"><ul><li>Connection test failed: HTTP 401 &amp; more</li></ul></div><form method="post" action="consent"></form></main>`,
        };
      }
      const location = new URL(SANDBOX_OAUTH_REDIRECT_URI);
      location.searchParams.set('state', form.get('state_echo') ?? '');
      location.searchParams.set('external_account_id', 'acc_1');
      location.searchParams.set('external_account_name', 'Shop & Co');
      return {
        status: 302,
        headers: { location: location.toString(), 'set-cookie': 'oauth_csrf_a1=; Path=/; Max-Age=0' },
        body: '',
      };
    }
    return { status: 404, headers: {}, body: 'not found' };
  }
}

describe('OAuth driver', () => {
  let fake: FakeConsentServer;
  let gatewayUrl: string;

  beforeEach(async () => {
    fake = new FakeConsentServer();
    gatewayUrl = await fake.start();
  });

  afterEach(() => fake.close());

  it('walks the consent flow and returns what the redirect carries', async () => {
    const result = await walkOAuthConsent(gatewayUrl, {
      secret: SECRET,
      state: 'st_walk',
      extra: { shop_name: 'Boutique Élise' },
      store: { storeBaseUrl: 'https://shop.example.com', authMethod: 'api_key', token: 'key_1' },
    });

    expect(result).toEqual({
      externalAccountId: 'acc_1',
      externalAccountName: 'Shop & Co',
      state: 'st_walk',
      location: expect.stringMatching(/^https:\/\/app\.shopimind\.com\/oauth\/callback\?/),
    });
    const [authorize, consent] = fake.received;
    expect(authorize.query.get('shop_name')).toBe('Boutique Élise');
    expect(authorize.query.get('redirect_uri')).toBe(SANDBOX_OAUTH_REDIRECT_URI);
    expect(consent.cookie).toBe('oauth_csrf_a1=tok; other=1');
    expect(Object.fromEntries(consent.form)).toEqual({
      authorization_id: 'a1',
      csrf_token: 't&"k',
      state_echo: 'st_walk',
      store_base_url: 'https://shop.example.com',
      store_auth_method: 'api_key',
      store_api_token: 'key_1',
      store_username: '',
      store_password: '',
      health_path: '/health',
      account_name: '',
    });
  });

  it('signs a link the gateway can verify, and can spoil the signature on request', async () => {
    const good = await openConsentPage(buildAuthorizeUrl(gatewayUrl, { secret: SECRET }));
    const forged = await openConsentPage(
      buildAuthorizeUrl(gatewayUrl, { secret: SECRET, signature: 'ab'.repeat(32) }),
    );
    const stale = await openConsentPage(
      buildAuthorizeUrl(gatewayUrl, { secret: SECRET, timestamp: Math.floor(Date.now() / 1000) - 3600 }),
    );

    expect(good.status).toBe(200);
    expect(good.form?.action).toBe(`${gatewayUrl}/oauth/consent`);
    expect(forged.status).toBe(400);
    expect(forged.errors).toEqual(['Invalid link mismatch']);
    expect(stale.errors).toEqual(['Invalid link stale']);
  });

  it("reports the page's error messages when the gateway shows the form again", async () => {
    fake.outcome = 'retry';

    const walk = walkOAuthConsent(gatewayUrl, {
      secret: SECRET,
      store: { storeBaseUrl: 'https://shop.example.com', authMethod: 'bearer', token: 'bad' },
    });

    await expect(walk).rejects.toThrow(OAuthFlowError);
    await expect(walk).rejects.toMatchObject({
      step: 'consent',
      status: 422,
      errors: ['Connection test failed: HTTP 401 & more'],
    });
  });

  it('fails at the authorize step when the link is refused', async () => {
    await expect(
      walkOAuthConsent(gatewayUrl, {
        secret: 'whsec_not_the_right_one_000',
        store: { storeBaseUrl: 'https://shop.example.com', authMethod: 'api_key', token: 'k' },
      }),
    ).rejects.toMatchObject({ step: 'authorize', status: 400 });
  });

  it('drops a cookie the server expires, and lets a test override form fields', async () => {
    const page = await openConsentPage(buildAuthorizeUrl(gatewayUrl, { secret: SECRET }));

    const submitted = await submitConsentForm(
      page,
      { storeBaseUrl: 'https://shop.example.com', authMethod: 'basic', username: 'u', password: 'p' },
      { overrides: { csrf_token: 'forged' } },
    );

    expect(fake.received[1].form.get('csrf_token')).toBe('forged');
    expect(submitted.status).toBe(302);
    expect(submitted.page.cookies).toBe('other=1');
  });
});
