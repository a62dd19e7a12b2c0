import { Body, Controller, Get, Inject, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import {
  ApiConsumes,
  ApiFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  OAUTH_AUTHORIZE_ROUTE,
  OAUTH_CONSENT_ROUTE,
  OAUTH_ROUTE_PREFIX,
} from '@storebridge/shopimind-declaration';
import { GATEWAY_FEATURE_OPTIONS, type GatewayFeatureOptions } from '../gateway-feature.options';
import { csrfCookieName, readCookie } from './csrf';
import { parseAuthorizeQuery } from './dto/authorize-query.dto';
import { sendHtml } from './html-response';
import { OAuthErrorFilter } from './oauth-error.filter';
import { OAuthQuerySignatureGuard, signedQueryOf } from './oauth-query-signature.guard';
import { OAuthErrorCode, OAuthException } from './oauth.exception';
import { renderConsentPage } from './oauth-pages';
import { OAuthService, type ConsentPage } from './oauth.service';
import { redirectOrigins } from './redirect-uri';

/**
 * The two browser-facing Type B steps (shopimind.md §8), exempt from the JSON contract of §4: they answer HTML
 * pages and, once, a 302 back to ShopiMind.
 */
@ApiTags('oauth')
@ApiProduces('text/html')
@Controller(OAUTH_ROUTE_PREFIX)
@UseFilters(OAuthErrorFilter)
export class OAuthController {
  private readonly formActionOrigins: readonly string[];

  constructor(
    private readonly oauth: OAuthService,
    @Inject(GATEWAY_FEATURE_OPTIONS) options: GatewayFeatureOptions,
  ) {
    this.formActionOrigins = redirectOrigins(options.oauthRedirectUris ?? []);
  }

  @Get(OAUTH_AUTHORIZE_ROUTE)
  @UseGuards(OAuthQuerySignatureGuard)
  @ApiOperation({ summary: "Type B consent page, opened by ShopiMind's signed link (shopimind.md §8)" })
  @ApiQuery({ name: 'state', required: true })
  @ApiQuery({ name: 'redirect_uri', required: true, description: 'One of OAUTH_REDIRECT_URIS' })
  @ApiQuery({ name: 'shop_name', required: false })
  @ApiQuery({ name: 'ts', required: true, description: 'Unix seconds of the signature' })
  @ApiQuery({ name: 'sig', required: true, description: 'HMAC-SHA256 of the query with WEBHOOK_SECRET' })
  @ApiOkResponse({ description: 'The consent page (HTML)' })
  @ApiResponse({ status: 400, description: 'An error page: bad signature or parameters' })
  async authorize(@Req() request: Request, @Res() response: Response): Promise<void> {
    const query = parseAuthorizeQuery(signedQueryOf(request));
    if (!query) {
      throw new OAuthException(OAuthErrorCode.InvalidRequest);
    }
    const page = await this.oauth.authorize(query);
    this.setCsrfCookie(request, response, page);
    sendHtml(response, 200, renderConsentPage(page.model), this.formActionOrigins);
  }

  @Post(OAUTH_CONSENT_ROUTE)
  @ApiOperation({ summary: "The consent form: checks the merchant's store, then sends the browser back" })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiFoundResponse({ description: "Back to ShopiMind's redirect_uri with the code" })
  @ApiResponse({ status: 422, description: 'The form again, with what to fix (HTML)' })
  async consent(@Req() request: Request, @Body() body: unknown, @Res() response: Response): Promise<void> {
    const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    const outcome = await this.oauth.consent({
      body: fields,
      csrfCookie: (authorizationId) => readCookie(request.header('cookie'), csrfCookieName(authorizationId)),
    });
    switch (outcome.kind) {
      case 'redirect':
        response.clearCookie(csrfCookieName(outcome.authorizationId), { path: '/' });
        response.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
        response.redirect(302, outcome.location);
        return;
      case 'retry':
        // 422: the page is shown again with what to fix; the browser keeps the same cookie and token.
        sendHtml(response, 422, renderConsentPage(outcome.model), this.formActionOrigins);
        return;
    }
  }

  /** Double submit: SameSite=Strict keeps it off cross-site POSTs; HttpOnly keeps it away from any script. */
  private setCsrfCookie(request: Request, response: Response, page: ConsentPage): void {
    response.cookie(csrfCookieName(page.authorizationId), page.csrfToken, {
      httpOnly: true,
      sameSite: 'strict',
      secure: request.secure,
      path: '/',
      maxAge: Math.max(0, page.expiresAt.getTime() - Date.now()),
    });
  }
}
