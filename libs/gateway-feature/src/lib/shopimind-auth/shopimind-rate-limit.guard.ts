import {
  CanActivate,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  DEFAULT_SHOPIMIND_RATE_LIMIT,
  GATEWAY_FEATURE_OPTIONS,
  type GatewayFeatureOptions,
} from '../gateway-feature.options';
import { failed } from '../shopimind-webhooks/shopimind-response';
import { FixedWindowRateLimiter } from './fixed-window-rate-limiter';

/**
 * Per client IP, in memory (each replica counts its own share). ShopimindSignatureGuard runs it first, so a
 * flood is turned away before any HMAC or database work; do not list it again next to that guard.
 */
@Injectable()
export class ShopimindRateLimitGuard implements CanActivate {
  private readonly logger = new Logger(ShopimindRateLimitGuard.name);
  private readonly limiter: FixedWindowRateLimiter;

  constructor(@Inject(GATEWAY_FEATURE_OPTIONS) options: GatewayFeatureOptions) {
    this.limiter = new FixedWindowRateLimiter(options.shopimindRateLimit ?? DEFAULT_SHOPIMIND_RATE_LIMIT);
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const client = clientAddressOf(http.getRequest<Request>());
    const verdict = this.limiter.hit(client, Date.now());
    if (verdict.allowed) {
      return true;
    }
    http.getResponse<Response>().setHeader('Retry-After', String(verdict.retryAfterSeconds));
    if (verdict.firstRefusal) {
      this.logger.warn(`Rate-limiting ShopiMind requests from ${client} for ${verdict.retryAfterSeconds} s`);
    }
    throw new HttpException(failed('rate_limited'), HttpStatus.TOO_MANY_REQUESTS);
  }
}

/**
 * Express's `req.ip`: the socket's peer, or the forwarded client once the app trusts its proxy ('trust proxy').
 * Behind a proxy that is not trusted, every request shares the proxy's address, hence one budget.
 */
function clientAddressOf(request: Request): string {
  return request.ip ?? request.socket?.remoteAddress ?? 'unknown';
}
