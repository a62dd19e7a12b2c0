import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  Logger,
  UnauthorizedException,
} from '@nestjs/common';
import { verifyShopimindSignature } from '@storebridge/security';
import type { Request } from 'express';
import {
  GATEWAY_FEATURE_OPTIONS,
  SIGNATURE_MAX_FUTURE_SECONDS,
  type GatewayFeatureOptions,
} from '../gateway-feature.options';

type RawBodyRequest = Request & { rawBody?: Buffer };

/**
 * Spec §3: the signature covers the exact bytes received, so this reads `rawBody` (kept by the app's
 * body parser), never the re-serialized JSON. Any failure is a bare 401: ShopiMind does not retry 4xx,
 * and the reason is only logged.
 */
@Injectable()
export class ShopimindSignatureGuard implements CanActivate {
  private readonly logger = new Logger(ShopimindSignatureGuard.name);

  constructor(@Inject(GATEWAY_FEATURE_OPTIONS) private readonly options: GatewayFeatureOptions) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RawBodyRequest>();
    const verdict = verifyShopimindSignature({
      signature: request.header('x-shopimind-signature'),
      timestamp: request.header('x-shopimind-timestamp'),
      rawBody: request.rawBody ?? Buffer.alloc(0),
      secrets: this.options.webhookSecrets,
      nowSeconds: Math.floor(Date.now() / 1000),
      maxAgeSeconds: this.options.signatureMaxAgeSeconds,
      maxFutureSeconds: SIGNATURE_MAX_FUTURE_SECONDS,
    });
    if (verdict !== 'valid') {
      this.logger.warn(`Refused a ShopiMind request to ${request.path}: ${verdict}`);
      throw new UnauthorizedException({ success: false, error: 'unauthorized' });
    }
    return true;
  }
}
