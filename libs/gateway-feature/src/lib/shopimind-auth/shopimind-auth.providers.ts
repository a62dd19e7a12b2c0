import type { Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ShopimindSignatureGuard } from '../shopimind-webhooks/shopimind-signature.guard';
import { RequestBodyErrorFilter } from './request-body-error.filter';
import { ShopimindRateLimits } from './shopimind-rate-limits';
import { ShopimindSignatureStrategy } from './shopimind-signature.strategy';
import { SignatureOutcomeInterceptor } from './signature-outcome.interceptor';

/**
 * What `@ShopimindSigned()` relies on: the passport strategy (registered when instantiated),
 * the rate limit, the answers kept for resends (or released signatures of failed requests) and the body-error answers. Needs
 * GATEWAY_FEATURE_OPTIONS and AcceptedSignatureRepository.
 */
export const shopimindAuthProviders: Provider[] = [
  ShopimindRateLimits,
  ShopimindSignatureStrategy,
  ShopimindSignatureGuard,
  SignatureOutcomeInterceptor,
  { provide: APP_FILTER, useClass: RequestBodyErrorFilter },
];
