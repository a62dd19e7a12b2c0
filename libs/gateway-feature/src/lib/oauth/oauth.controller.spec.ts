import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { startDemoStore, type DemoStore } from '@storebridge/demo-store';
import { type ExternalAccountEntity, type OAuthAuthorizationEntity } from '@storebridge/persistence';
import {
  ExternalAccountRepository,
  OAuthAuthorizationRepository,
  type ExternalAccountInput,
  type OAuthAuthorizationInput,
} from '@storebridge/gateway-persistence';
import { CredentialCipher, signedShopimindQueryString } from '@storebridge/security';
import {
  buildAuthorizeUrl,
  openConsentPage,
  submitConsentForm,
  walkOAuthConsent,
  type BrowserPage,
  type ConsentFormInput,
} from '@storebridge/shopimind-sandbox';
import { GATEWAY_FEATURE_OPTIONS, type GatewayFeatureOptions } from '../gateway-feature.options';
import { ExternalAccountService } from './external-account.service';
import { OAuthController } from './oauth.controller';
import { OAuthQuerySignatureGuard } from './oauth-query-signature.guard';
import { OAuthService } from './oauth.service';

const SECRET = 'whsec_oauth_current_0123456789';
const PREVIOUS_SECRET = 'whsec_oauth_previous_0123456789';
const CALLBACK = 'https://app.shopimind.com/oauth/callback';
const OTHER_CALLBACK = 'https://partner.shopimind.com/cb?tenant=7';
const STORE_KEY = 'demo-store-key-0123456789';
const CIPHER_KEY = 'ab'.repeat(32);

// ---------------------------------------------------------------------------------------------------------
// In-memory repositories with the semantics of the real ones (unique state, consume-once-while-unexpired).
// ---------------------------------------------------------------------------------------------------------

type AuthorizationPort = Pick<
  OAuthAuthorizationRepository,
  'create' | 'findById' | 'findByState' | 'consume'
>;

class InMemoryAuthorizations implements AuthorizationPort {
  readonly rows = new Map<string, OAuthAuthorizationEntity>();
  failNextFind = false;

  async create(input: OAuthAuthorizationInput): Promise<OAuthAuthorizationEntity | null> {
    if ([...this.rows.values()].some((row) => row.state === input.state)) {
      return null;
    }
    const row: OAuthAuthorizationEntity = {
      id: randomUUID(),
      shopName: null,
      ...input,
      consumedAt: null,
      createdAt: new Date(),
    };
    this.rows.set(row.id, row);
    return { ...row };
  }

  async findById(id: string): Promise<OAuthAuthorizationEntity | null> {
    if (this.failNextFind) {
      this.failNextFind = false;
      throw new Error('connection terminated unexpectedly');
    }
    const row = this.rows.get(id);
    return row ? { ...row } : null;
  }

  async findByState(state: string): Promise<OAuthAuthorizationEntity | null> {
    const row = [...this.rows.values()].find((candidate) => candidate.state === state);
    return row ? { ...row } : null;
  }

  async consume(id: string): Promise<OAuthAuthorizationEntity | null> {
    const row = this.rows.get(id);
    if (!row || row.consumedAt || row.expiresAt.getTime() <= Date.now()) {
      return null;
    }
    row.consumedAt = new Date();
    return { ...row };
  }

  only(): OAuthAuthorizationEntity {
    const rows = [...this.rows.values()];
    if (rows.length !== 1) {
      throw new Error(`expected one authorization, found ${rows.length}`);
    }
    return rows[0];
  }

  expire(id: string): void {
    const row = this.rows.get(id);
    if (row) {
      row.expiresAt = new Date(Date.now() - 1000);
    }
  }
}

class InMemoryAccounts implements Pick<ExternalAccountRepository, 'create' | 'findById'> {
  readonly rows = new Map<string, ExternalAccountEntity>();

  async create(input: ExternalAccountInput): Promise<ExternalAccountEntity> {
    const row = { id: randomUUID(), ...input, installationKey: null, createdAt: new Date() };
    this.rows.set(row.id, row);
    return { ...row };
  }

  async findById(id: string): Promise<ExternalAccountEntity | null> {
    const row = this.rows.get(id);
    return row ? { ...row } : null;
  }
}

// ---------------------------------------------------------------------------------------------------------

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** A signed authorize URL built by hand, for queries the sandbox driver would never produce. */
function signedUrl(gatewayUrl: string, params: Record<string, string>): string {
  return `${gatewayUrl}/oauth/authorize?${signedShopimindQueryString(SECRET, params)}`;
}

function expectErrorPage(page: BrowserPage, status: number, reference: string): void {
  expect(page.status).toBe(status);
  expect(page.form).toBeNull();
  expect(page.html).toContain(`<code>${reference}</code>`);
}

describe('OAuth consent flow over HTTP', () => {
  let app: INestApplication;
  let gatewayUrl: string;
  let store: DemoStore;
  let authorizations: InMemoryAuthorizations;
  let accounts: InMemoryAccounts;
  let externalAccounts: ExternalAccountService;
  let options: GatewayFeatureOptions;
  let goodStore: ConsentFormInput;

  beforeAll(async () => {
    store = await startDemoStore({ apiKey: STORE_KEY, productCount: 1 });
    goodStore = { storeBaseUrl: store.url, authMethod: 'api_key', token: STORE_KEY };
  });

  afterAll(() => store.close());

  beforeEach(async () => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    authorizations = new InMemoryAuthorizations();
    accounts = new InMemoryAccounts();
    options = {
      webhookSecrets: [PREVIOUS_SECRET, SECRET],
      signatureMaxAgeSeconds: 300,
      allowPrivateStoreUrls: true,
      oauthRedirectUris: [CALLBACK, OTHER_CALLBACK],
    };
    const moduleRef = await Test.createTestingModule({
      controllers: [OAuthController],
      providers: [
        { provide: GATEWAY_FEATURE_OPTIONS, useValue: options },
        { provide: OAuthAuthorizationRepository, useValue: authorizations },
        { provide: ExternalAccountRepository, useValue: accounts },
        { provide: CredentialCipher, useValue: new CredentialCipher(CIPHER_KEY) },
        OAuthQuerySignatureGuard,
        OAuthService,
        ExternalAccountService,
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
    // As the runtime's startService configures it.
    (app as NestExpressApplication).useBodyParser('urlencoded', { extended: false, limit: '64kb' });
    await app.listen(0, '127.0.0.1');
    gatewayUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    externalAccounts = app.get(ExternalAccountService);
  });

  afterEach(async () => {
    await app.close();
    jest.restoreAllMocks();
  });

  describe('happy path', () => {
    it('creates an external account and sends the browser back with state, id and name', async () => {
      const result = await walkOAuthConsent(gatewayUrl, {
        secret: SECRET,
        state: 'st_happy',
        store: goodStore,
      });

      const location = new URL(result.location);
      expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
      expect(result.state).toBe('st_happy');
      expect(result.externalAccountName).toBe(new URL(store.url).host);
      const account = accounts.rows.get(result.externalAccountId);
      expect(account).toEqual(
        expect.objectContaining({
          name: result.externalAccountName,
          baseUrl: store.url,
          authMethod: 'api_key',
        }),
      );
      // Encrypted at rest, and readable back as the config the installation will use.
      expect(account?.credentialsCiphertext).not.toContain(STORE_KEY);
      // Once claimed by the install that names it.
      accounts.rows.set(result.externalAccountId, {
        ...(account as ExternalAccountEntity),
        installationKey: 'inst_1',
      });
      await expect(externalAccounts.storeConfigFor(result.externalAccountId, 'inst_1')).resolves.toEqual({
        store_base_url: store.url,
        store_auth_method: 'api_key',
        store_api_token: STORE_KEY,
      });
      expect(authorizations.only().consumedAt).toBeInstanceOf(Date);
    });

    it('keeps the query of an allow-listed redirect_uri, uses the chosen account name and clears the cookie', async () => {
      const page = await openConsentPage(
        buildAuthorizeUrl(gatewayUrl, { secret: SECRET, state: 'st_q', redirectUri: OTHER_CALLBACK }),
      );

      const submitted = await submitConsentForm(page, { ...goodStore, accountName: 'Boutique & Co' });

      expect(submitted.status).toBe(302);
      const location = new URL(submitted.location ?? '');
      expect(location.searchParams.get('tenant')).toBe('7');
      expect(location.searchParams.get('state')).toBe('st_q');
      expect(location.searchParams.get('external_account_name')).toBe('Boutique & Co');
      expect(submitted.page.cookies).toBe('');
    });

    it('accepts a link signed with the previous secret during a rotation', async () => {
      const page = await openConsentPage(buildAuthorizeUrl(gatewayUrl, { secret: PREVIOUS_SECRET }));

      expect(page.status).toBe(200);
    });

    it('serves the consent page without script, framing, caching or referrer, with a strict HttpOnly cookie', async () => {
      const response = await fetch(buildAuthorizeUrl(gatewayUrl, { secret: SECRET }));
      const html = await response.text();

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("form-action 'self' https://app.shopimind.com https://partner.shopimind.com");
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(html).not.toMatch(/<script/i);
      const [cookie] = response.headers.getSetCookie();
      expect(cookie).toMatch(
        /^oauth_csrf_[0-9a-f]{32}=[0-9a-f]{64}; Max-Age=\d+; Path=\/; Expires=.*; HttpOnly; SameSite=Strict$/,
      );
    });

    it('shows the same pending authorization again when the same link is reloaded', async () => {
      const url = buildAuthorizeUrl(gatewayUrl, { secret: SECRET, state: 'st_reload' });

      const first = await openConsentPage(url);
      const second = await openConsentPage(url);

      expect(second.status).toBe(200);
      expect(second.form?.hidden).toEqual(first.form?.hidden);
      expect(authorizations.rows.size).toBe(1);
    });

    it('escapes a hostile shop name and never prints the state into the page', async () => {
      const state = '"><script>alert("state")</script>';
      const page = await openConsentPage(
        buildAuthorizeUrl(gatewayUrl, {
          secret: SECRET,
          state,
          extra: { shop_name: '<img src=x onerror=alert(1)> "Shop" & \'Co\'' },
        }),
      );

      expect(page.status).toBe(200);
      expect(page.html).toContain('&lt;img src=x onerror=alert(1)&gt; &quot;Shop&quot; &amp; &#39;Co&#39;');
      expect(page.html).not.toContain('<img');
      expect(page.html).not.toContain('<script');
      expect(page.html).not.toContain('alert("state")');
    });
  });

  describe('refuses a tampered authorize link with an HTML 400 page and no redirect', () => {
    it.each<[string, (url: string) => string, string]>([
      [
        'a signature made with another secret',
        (url) => buildAuthorizeUrl(url, { secret: 'whsec_someone_else_0000000' }),
        'invalid_signature',
      ],
      [
        'a forged signature',
        (url) => buildAuthorizeUrl(url, { secret: SECRET, signature: 'ab'.repeat(32) }),
        'invalid_signature',
      ],
      [
        'no signature',
        (url) => buildAuthorizeUrl(url, { secret: SECRET }).replace(/&sig=[0-9a-f]+$/, ''),
        'invalid_signature',
      ],
      [
        'a changed redirect_uri',
        (url) => buildAuthorizeUrl(url, { secret: SECRET }).replace('app.shopimind.com', 'evil.example'),
        'invalid_signature',
      ],
      [
        'a repeated parameter',
        (url) => `${buildAuthorizeUrl(url, { secret: SECRET })}&state=other`,
        'invalid_signature',
      ],
      [
        'a stale timestamp',
        (url) => buildAuthorizeUrl(url, { secret: SECRET, timestamp: unixNow() - 301 }),
        'stale_request',
      ],
      [
        'a timestamp in the future',
        (url) => buildAuthorizeUrl(url, { secret: SECRET, timestamp: unixNow() + 120 }),
        'stale_request',
      ],
      [
        'a signed foreign redirect_uri',
        (url) => buildAuthorizeUrl(url, { secret: SECRET, redirectUri: 'https://evil.example/cb' }),
        'redirect_uri_not_allowed',
      ],
      [
        'a signed look-alike redirect_uri',
        (url) => buildAuthorizeUrl(url, { secret: SECRET, redirectUri: `${CALLBACK}/../../evil` }),
        'redirect_uri_not_allowed',
      ],
      [
        'a missing state',
        (url) => signedUrl(url, { redirect_uri: CALLBACK, ts: String(unixNow()) }),
        'invalid_request',
      ],
      [
        'a missing redirect_uri',
        (url) => signedUrl(url, { state: 'st_x', ts: String(unixNow()) }),
        'invalid_request',
      ],
    ])('%s', async (_label, urlFor, reference) => {
      const response = await fetch(urlFor(gatewayUrl), { redirect: 'manual' });
      const html = await response.text();

      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(html).toContain(`<code>${reference}</code>`);
      expect(html).not.toContain('<form');
      expect(authorizations.rows.size).toBe(0);
    });

    it('a state that was already used', async () => {
      const url = buildAuthorizeUrl(gatewayUrl, { secret: SECRET, state: 'st_used' });
      await submitConsentForm(await openConsentPage(url), goodStore);

      expectErrorPage(await openConsentPage(url), 400, 'state_already_used');
    });

    it('a state whose authorization expired', async () => {
      const url = buildAuthorizeUrl(gatewayUrl, { secret: SECRET, state: 'st_old' });
      await openConsentPage(url);
      authorizations.expire(authorizations.only().id);

      expectErrorPage(await openConsentPage(url), 400, 'state_expired');
    });

    it('a known state sent back with another allow-listed redirect_uri', async () => {
      await openConsentPage(buildAuthorizeUrl(gatewayUrl, { secret: SECRET, state: 'st_retarget' }));

      const page = await openConsentPage(
        buildAuthorizeUrl(gatewayUrl, { secret: SECRET, state: 'st_retarget', redirectUri: OTHER_CALLBACK }),
      );

      expectErrorPage(page, 400, 'state_already_used');
    });
  });

  describe('refuses a tampered consent submission with an HTML 400 page and no redirect', () => {
    let page: BrowserPage;

    beforeEach(async () => {
      page = await openConsentPage(buildAuthorizeUrl(gatewayUrl, { secret: SECRET }));
    });

    async function expectRefused(
      submission: Promise<{ status: number; location: string | null; page: BrowserPage }>,
      reference: string,
    ): Promise<void> {
      const submitted = await submission;
      expect(submitted.location).toBeNull();
      expectErrorPage(submitted.page, 400, reference);
      expect(accounts.rows.size).toBe(0);
    }

    it('without the CSRF cookie', async () => {
      await expectRefused(submitConsentForm(page, goodStore, { cookies: '' }), 'csrf_mismatch');
    });

    it('with a wrong CSRF token in the form', async () => {
      await expectRefused(
        submitConsentForm(page, goodStore, { overrides: { csrf_token: 'ab'.repeat(32) } }),
        'csrf_mismatch',
      );
    });

    it('with the cookie and token of another authorization', async () => {
      const other = await openConsentPage(buildAuthorizeUrl(gatewayUrl, { secret: SECRET }));

      await expectRefused(
        submitConsentForm(other, goodStore, {
          overrides: { authorization_id: page.form?.hidden['authorization_id'] ?? '' },
        }),
        'csrf_mismatch',
      );
    });

    it('without the hidden fields', async () => {
      await expectRefused(
        submitConsentForm(page, goodStore, { overrides: { authorization_id: '', csrf_token: '' } }),
        'csrf_mismatch',
      );
    });

    it('for an unknown authorization', async () => {
      await expectRefused(
        submitConsentForm(page, goodStore, { overrides: { authorization_id: randomUUID() } }),
        'unknown_authorization',
      );
    });

    it('a second time (the state is single-use)', async () => {
      const first = await submitConsentForm(page, goodStore);
      expect(first.status).toBe(302);

      const second = await submitConsentForm(page, goodStore);

      expect(second.location).toBeNull();
      expectErrorPage(second.page, 400, 'state_already_used');
      expect(accounts.rows.size).toBe(1);
    });

    it('after the authorization expired', async () => {
      authorizations.expire(authorizations.only().id);

      await expectRefused(submitConsentForm(page, goodStore), 'state_expired');
    });

    it('when its redirect_uri left the allow-list after the link was opened', async () => {
      options.oauthRedirectUris = [OTHER_CALLBACK];

      await expectRefused(submitConsentForm(page, goodStore), 'redirect_uri_not_allowed');
    });
  });

  describe('shows the form again, with the reason and without the secrets, when the store cannot be used', () => {
    let page: BrowserPage;

    beforeEach(async () => {
      page = await openConsentPage(buildAuthorizeUrl(gatewayUrl, { secret: SECRET }));
    });

    it('when the store refuses the credential, then accepts the corrected one', async () => {
      const failed = await submitConsentForm(page, {
        ...goodStore,
        token: 'wrong-key-SECRET-9876',
        accountName: 'My shop',
      });

      expect(failed.status).toBe(422);
      expect(failed.page.errors).toHaveLength(1);
      expect(failed.page.errors[0]).toMatch(/^Connection test failed: GET \/health failed: .*401/);
      expect(failed.page.html).not.toContain('wrong-key-SECRET-9876');
      expect(failed.page.html).toContain(`value="${store.url}"`);
      expect(failed.page.html).toContain('value="My shop"');
      expect(failed.page.form?.hidden).toEqual(page.form?.hidden);
      expect(authorizations.only().consumedAt).toBeNull();
      expect(accounts.rows.size).toBe(0);

      const retried = await submitConsentForm(failed.page, goodStore, { cookies: page.cookies });

      expect(retried.status).toBe(302);
    });

    it('when the store is unreachable', async () => {
      const failed = await submitConsentForm(page, { ...goodStore, storeBaseUrl: 'http://127.0.0.1:1' });

      expect(failed.status).toBe(422);
      expect(failed.page.errors[0]).toMatch(
        /^Connection test failed: GET \/health failed: (network error|connection refused)/,
      );
    });

    it('when the store URL is private and private URLs are not allowed (SSRF policy)', async () => {
      options.allowPrivateStoreUrls = false;
      const healthChecksBefore = store.stats.byPath['/health'] ?? 0;

      const failed = await submitConsentForm(page, goodStore);

      expect(failed.status).toBe(422);
      expect(failed.page.errors[0]).toMatch(/^Store URL refused: store_base_url must use https/);
      // Refused before any request leaves: the store never saw one.
      expect(store.stats.byPath['/health'] ?? 0).toBe(healthChecksBefore);
    });

    it.each<[string, Partial<ConsentFormInput>, RegExp]>([
      ['a missing token', { token: '' }, /API key or token/],
      ['a token with spaces', { token: 'two words' }, /no spaces/],
      ['a base URL with a path', { storeBaseUrl: 'https://shop.example.com/api' }, /scheme and host only/],
      [
        'basic auth without password',
        { authMethod: 'basic', username: 'merchant', password: '' },
        /password/,
      ],
      [
        'basic auth with a colon in the username',
        { authMethod: 'basic', username: 'a:b', password: 'pw' },
        /":"/,
      ],
      ['a health path without leading slash', { healthPath: 'health' }, /health endpoint path/],
    ])('when the form has %s', async (_label, input, message) => {
      const failed = await submitConsentForm(page, {
        ...goodStore,
        ...input,
        password: 'password' in input ? input.password : 'pw-SECRET',
      });

      expect(failed.status).toBe(422);
      expect(failed.page.errors.join(' ')).toMatch(message);
      expect(failed.page.html).not.toContain('pw-SECRET');
      expect(failed.page.html).not.toContain(STORE_KEY);
      expect(accounts.rows.size).toBe(0);
    });

    it('escapes hostile values it shows again', async () => {
      const failed = await submitConsentForm(page, {
        ...goodStore,
        token: '',
        accountName: '"><script>alert(1)</script>',
        username: '<b>u</b>',
      });

      expect(failed.status).toBe(422);
      expect(failed.page.html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
      expect(failed.page.html).toContain('value="&lt;b&gt;u&lt;/b&gt;"');
      expect(failed.page.html).not.toContain('<script');
    });
  });

  it('answers an unexpected failure with an HTML 500 page carrying a correlation id', async () => {
    const page = await openConsentPage(buildAuthorizeUrl(gatewayUrl, { secret: SECRET }));
    authorizations.failNextFind = true;

    const submitted = await submitConsentForm(page, goodStore);

    expect(submitted.status).toBe(500);
    expect(submitted.location).toBeNull();
    expect(submitted.page.html).toMatch(/<code>[0-9a-f-]{36}<\/code>/);
    expect(submitted.page.html).not.toContain('connection terminated');
  });
});
