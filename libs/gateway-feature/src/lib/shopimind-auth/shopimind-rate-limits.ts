import { HttpException, HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import {
  DEFAULT_SHOPIMIND_RATE_LIMIT,
  GATEWAY_FEATURE_OPTIONS,
  type GatewayFeatureOptions,
} from '../gateway-feature.options';
import { failed } from '../shopimind-webhooks/shopimind-response';
import { FixedWindowRateLimiter } from './fixed-window-rate-limiter';

/** Which budget a request spends: validly signed ones never share theirs with those failing the signature. */
export type ShopimindBudget = 'signed' | 'unverified';

/**
 * Per client IP, in memory (each replica counts its own share), one budget for validly signed requests and one
 * for the others: behind a shared address, a stranger's unsigned flood turns away only itself, never
 * ShopiMind's own requests. The signature strategy spends them after the HMAC check (cheap, the body is read
 * already) and before any database work.
 */
@Injectable()
export class ShopimindRateLimits {
  private readonly logger = new Logger(ShopimindRateLimits.name);
  private readonly limiters: Record<ShopimindBudget, FixedWindowRateLimiter>;

  constructor(@Inject(GATEWAY_FEATURE_OPTIONS) options: GatewayFeatureOptions) {
    const limit = options.shopimindRateLimit ?? DEFAULT_SHOPIMIND_RATE_LIMIT;
    this.limiters = {
      signed: new FixedWindowRateLimiter(limit),
      unverified: new FixedWindowRateLimiter(limit),
    };
  }

  /** Counts the request against `budget`; over it, throws a 429 `{success:false, error:'rate_limited'}`. */
  admit(request: Request, budget: ShopimindBudget): void {
    const client = clientAddressOf(request);
    const verdict = this.limiters[budget].hit(client, Date.now());
    if (verdict.allowed) {
      return;
    }
    request.res?.setHeader('Retry-After', String(verdict.retryAfterSeconds));
    if (verdict.firstRefusal) {
      this.logger.warn(
        `Rate-limiting ${budget} ShopiMind requests from ${client} for ${verdict.retryAfterSeconds} s`,
      );
    }
    throw new HttpException(failed('rate_limited'), HttpStatus.TOO_MANY_REQUESTS);
  }
}

/**
 * Express's `req.ip`: the socket's peer, or, once TRUST_PROXY sets 'trust proxy', the client address the trusted
 * proxies vouch for. Never `X-Forwarded-For` read here: a client would pick its own budget. Behind a proxy that
 * is not trusted, every request shares the proxy's address, hence one budget.
 */
function clientAddressOf(request: Request): string {
  return request.ip ?? request.socket?.remoteAddress ?? 'unknown';
}
