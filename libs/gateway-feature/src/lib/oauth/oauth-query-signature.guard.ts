import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { verifyShopimindQuery } from '@storebridge/security';
import type { Request } from 'express';
import {
  GATEWAY_FEATURE_OPTIONS,
  SIGNATURE_MAX_FUTURE_SECONDS,
  type GatewayFeatureOptions,
} from '../gateway-feature.options';
import { OAuthErrorCode, OAuthException } from './oauth.exception';

/**
 * The query exactly as sent, decoded once by `URLSearchParams`, duplicates kept: the signature covers these
 * values, so the handler reads the very same ones rather than Express's parsed `query`.
 */
export function signedQueryOf(request: Pick<Request, 'originalUrl' | 'url'>): URLSearchParams {
  const url = request.originalUrl || request.url;
  const start = url.indexOf('?');
  return new URLSearchParams(start === -1 ? '' : url.slice(start + 1));
}

/**
 * Shopimind.md §8 step 1: ShopiMind signs the authorize link like a webhook (§3), over the canonical query
 * string. Refusals become an HTML error page (400) through `OAuthErrorFilter`; the reason is only logged.
 */
@Injectable()
export class OAuthQuerySignatureGuard implements CanActivate {
  private readonly logger = new Logger(OAuthQuerySignatureGuard.name);

  constructor(@Inject(GATEWAY_FEATURE_OPTIONS) private readonly options: GatewayFeatureOptions) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const verdict = verifyShopimindQuery({
      params: signedQueryOf(request),
      secrets: this.options.webhookSecrets,
      nowSeconds: Math.floor(Date.now() / 1000),
      maxAgeSeconds: this.options.signatureMaxAgeSeconds,
      maxFutureSeconds: SIGNATURE_MAX_FUTURE_SECONDS,
    });
    switch (verdict) {
      case 'valid':
        return true;
      case 'stale':
      case 'future':
        this.logger.warn(`Refused an OAuth authorize link: ${verdict}`);
        throw new OAuthException(OAuthErrorCode.StaleRequest);
      case 'missing':
      case 'malformed_timestamp':
      case 'mismatch':
      case 'duplicate_parameter':
        this.logger.warn(`Refused an OAuth authorize link: ${verdict}`);
        throw new OAuthException(OAuthErrorCode.InvalidSignature);
    }
  }
}
