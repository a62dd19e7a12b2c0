import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  checkStoreUrl,
  resolveStoreSettings,
  type StoreAuth,
  StoreClient,
  type StoreConnectionSettings,
  StoreSettingsError,
} from '@storebridge/store-client';
import { type OAuthAuthorizationEntity } from '@storebridge/persistence';
import { OAuthAuthorizationRepository } from '@storebridge/gateway-persistence';
import { GATEWAY_FEATURE_OPTIONS, type GatewayFeatureOptions } from '../gateway-feature.options';
import { csrfTokenFor, isValidCsrf, newCsrfSecret } from './csrf';
import type { AuthorizeQueryDto } from './dto/authorize-query.dto';
import { parseConsentBinding, parseConsentForm, redisplayedValues } from './dto/consent-form.dto';
import { ExternalAccountService } from './external-account.service';
import { OAUTH_AUTHORIZATION_TTL_SECONDS } from './oauth.constants';
import { OAuthErrorCode, OAuthException } from './oauth.exception';
import { EMPTY_CONSENT_FORM, type ConsentPageModel } from './oauth-pages';
import { callbackUrl, isAllowedRedirectUri } from './redirect-uri';

/** The consent page to show, and the authorization it belongs to (for the CSRF cookie). */
export interface ConsentPage {
  authorizationId: string;
  csrfToken: string;
  expiresAt: Date;
  model: ConsentPageModel;
}

export type ConsentOutcome =
  | { kind: 'redirect'; location: string; authorizationId: string }
  /** The submission failed validation or the live store test: show the page again, with why. */
  | ({ kind: 'retry' } & ConsentPage);

export interface ConsentSubmission {
  body: Readonly<Record<string, unknown>>;
  /** The CSRF cookie's value for the authorization named in the body, if the browser sent it. */
  csrfCookie: (authorizationId: string) => string | undefined;
}

/** A browser waits for the live test: fail fast and let the merchant submit again. */
const STORE_TEST_OPTIONS = { retries: 0, timeoutMs: 10_000 } as const;

/**
 * Type B install, steps 1-4 of shopimind.md §8 [ours]: open a pending authorization for ShopiMind's signed
 * link, test the store the merchant enters live, then create the external account and send the browser back
 * to the allow-listed `redirect_uri`. Every refusal is an `OAuthException` (an error page, never a redirect).
 */
@Injectable()
export class OAuthService {
  private readonly logger = new Logger(OAuthService.name);

  constructor(
    private readonly authorizations: OAuthAuthorizationRepository,
    private readonly accounts: ExternalAccountService,
    @Inject(GATEWAY_FEATURE_OPTIONS) private readonly options: GatewayFeatureOptions,
  ) {}

  /** Step 2. The query's signature and freshness are already checked (`OAuthQuerySignatureGuard`). */
  async authorize(query: AuthorizeQueryDto): Promise<ConsentPage> {
    if (!this.isAllowed(query.redirect_uri)) {
      this.logger.warn('Refused an OAuth authorize link: redirect_uri not allow-listed');
      throw new OAuthException(OAuthErrorCode.RedirectUriNotAllowed);
    }
    const authorization = await this.openAuthorization(query);
    return this.page(authorization, EMPTY_CONSENT_FORM, []);
  }

  /** Steps 3-4. */
  async consent(submission: ConsentSubmission): Promise<ConsentOutcome> {
    const binding = parseConsentBinding(submission.body);
    if (!binding) {
      throw new OAuthException(OAuthErrorCode.CsrfMismatch);
    }
    const authorization = await this.authorizations.findById(binding.authorization_id);
    if (!authorization) {
      throw new OAuthException(OAuthErrorCode.UnknownAuthorization);
    }
    const expected = csrfTokenFor(authorization.csrfSecret, authorization.id);
    if (!isValidCsrf(expected, binding.csrf_token, submission.csrfCookie(authorization.id))) {
      this.logger.warn(`Refused a consent submission for ${authorization.id}: CSRF token mismatch`);
      throw new OAuthException(OAuthErrorCode.CsrfMismatch);
    }
    this.assertPending(authorization);
    // The allow-list may have shrunk since the link was opened: check again right before redirecting.
    if (!this.isAllowed(authorization.redirectUri)) {
      throw new OAuthException(OAuthErrorCode.RedirectUriNotAllowed);
    }

    const parsed = parseConsentForm(submission.body);
    if (!parsed.ok) {
      return this.retry(authorization, submission.body, parsed.errors);
    }
    const tested = await this.testStore(parsed.form.store_base_url, parsed.auth, parsed.form.health_path);
    if (!tested.ok) {
      return this.retry(authorization, submission.body, [tested.error]);
    }

    if (!(await this.authorizations.consume(authorization.id))) {
      // Lost a race with another submission, or expired while the store was being tested.
      const current = await this.authorizations.findById(authorization.id);
      throw new OAuthException(
        current?.consumedAt ? OAuthErrorCode.StateAlreadyUsed : OAuthErrorCode.StateExpired,
      );
    }
    const name = parsed.form.account_name || new URL(tested.settings.baseUrl).host;
    const account = await this.accounts.create({
      name,
      baseUrl: tested.settings.baseUrl,
      auth: tested.settings.auth,
    });
    this.logger.log(`Created external account ${account.id} for authorization ${authorization.id}`);
    return {
      kind: 'redirect',
      authorizationId: authorization.id,
      location: callbackUrl(authorization.redirectUri, {
        state: authorization.state,
        external_account_id: account.id,
        external_account_name: account.name,
      }),
    };
  }

  /**
   * `state` is single-use. A new one opens an authorization. Reopening the same signed link, as a reload does,
   * shows the same pending authorization again. A consumed, expired or re-targeted one is refused.
   */
  private async openAuthorization(query: AuthorizeQueryDto): Promise<OAuthAuthorizationEntity> {
    const created = await this.authorizations.create({
      state: query.state,
      redirectUri: query.redirect_uri,
      shopName: query.shop_name ?? null,
      csrfSecret: newCsrfSecret(),
      expiresAt: new Date(Date.now() + OAUTH_AUTHORIZATION_TTL_SECONDS * 1000),
    });
    if (created) {
      this.logger.log(`Opened OAuth authorization ${created.id}`);
      return created;
    }
    const existing = await this.authorizations.findByState(query.state);
    if (!existing) {
      throw new OAuthException(OAuthErrorCode.StateAlreadyUsed);
    }
    this.assertPending(existing);
    if (existing.redirectUri !== query.redirect_uri) {
      throw new OAuthException(OAuthErrorCode.StateAlreadyUsed);
    }
    return existing;
  }

  private assertPending(authorization: OAuthAuthorizationEntity): void {
    if (authorization.consumedAt) {
      throw new OAuthException(OAuthErrorCode.StateAlreadyUsed);
    }
    if (authorization.expiresAt.getTime() <= Date.now()) {
      throw new OAuthException(OAuthErrorCode.StateExpired);
    }
  }

  /** Settings rules, SSRF policy, then the live health check: each failure says what to fix. */
  private async testStore(
    baseUrl: string,
    auth: StoreAuth,
    healthPath: string | undefined,
  ): Promise<{ ok: true; settings: StoreConnectionSettings } | { ok: false; error: string }> {
    let settings: StoreConnectionSettings;
    try {
      settings = resolveStoreSettings({ baseUrl, auth, paths: { health: healthPath || '/health' } });
    } catch (error) {
      if (error instanceof StoreSettingsError) {
        return { ok: false, error: error.message };
      }
      throw error;
    }
    const verdict = await checkStoreUrl(settings.baseUrl, {
      allowPrivate: this.options.allowPrivateStoreUrls,
    });
    if (!verdict.ok) {
      return { ok: false, error: `Store URL refused: ${verdict.message}` };
    }
    const health = await new StoreClient(settings, {
      ...STORE_TEST_OPTIONS,
      allowPrivateAddresses: this.options.allowPrivateStoreUrls,
    }).checkHealth();
    if (!health.ok) {
      return { ok: false, error: `Connection test failed: ${health.error.message}` };
    }
    return { ok: true, settings };
  }

  private retry(
    authorization: OAuthAuthorizationEntity,
    body: Readonly<Record<string, unknown>>,
    errors: string[],
  ): ConsentOutcome {
    return { kind: 'retry', ...this.page(authorization, redisplayedValues(body), errors) };
  }

  private page(
    authorization: OAuthAuthorizationEntity,
    values: ConsentPageModel['values'],
    errors: string[],
  ): ConsentPage {
    const csrfToken = csrfTokenFor(authorization.csrfSecret, authorization.id);
    return {
      authorizationId: authorization.id,
      csrfToken,
      expiresAt: authorization.expiresAt,
      model: {
        authorizationId: authorization.id,
        csrfToken,
        shopName: authorization.shopName,
        values,
        errors,
      },
    };
  }

  private isAllowed(redirectUri: string): boolean {
    return isAllowedRedirectUri(redirectUri, this.options.oauthRedirectUris ?? []);
  }
}
