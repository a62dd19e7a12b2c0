import { applyDecorators, UseGuards, UseInterceptors } from '@nestjs/common';
import { ShopimindSignedRoutes } from '../api-docs/api-docs.decorators';
import { SignatureOutcomeInterceptor } from '../shopimind-auth/signature-outcome.interceptor';
import { ShopimindSignatureGuard } from './shopimind-signature.guard';

/**
 * Marks a controller whose routes ShopiMind calls signed (spec §3, §4): ShopimindSignatureGuard checks each request,
 * then SignatureOutcomeInterceptor keeps the answer of each accepted signature for an exact resend, and the API docs
 * say so. Only on these controllers, not for the whole app: the store webhooks, the busiest routes, have nothing to
 * do with it.
 */
export function ShopimindSigned(): ClassDecorator {
  return applyDecorators(
    ShopimindSignedRoutes(),
    UseGuards(ShopimindSignatureGuard),
    UseInterceptors(SignatureOutcomeInterceptor),
  );
}
