import { ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { AuthGuard, type IAuthModuleOptions } from '@nestjs/passport';
import { isShopimindCaller, SHOPIMIND_CALLER_PROPERTY } from '../shopimind-auth/shopimind-caller';
import { SHOPIMIND_SIGNATURE_STRATEGY } from '../shopimind-auth/shopimind-signature.strategy';
import { failed } from './shopimind-response';

/**
 * Guards every ShopiMind route (spec §3) with the passport strategy that checks the HMAC, spends the caller's
 * rate limit (429) and refuses replays. Any refusal is a bare 401 `{success:false, error:'unauthorized'}`:
 * ShopiMind does not retry a 4xx, and the reason is only logged. The accepted caller is left on the request
 * under SHOPIMIND_CALLER_PROPERTY.
 */
@Injectable()
export class ShopimindSignatureGuard extends AuthGuard(SHOPIMIND_SIGNATURE_STRATEGY) {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    return (await super.canActivate(context)) === true;
  }

  override getAuthenticateOptions(): IAuthModuleOptions {
    return { session: false, property: SHOPIMIND_CALLER_PROPERTY };
  }

  /** Errors of the check itself (the database is down) stay errors: a 5xx, which ShopiMind retries. */
  override handleRequest<TCaller>(error: unknown, caller: unknown): TCaller {
    if (error) {
      throw error;
    }
    if (!isShopimindCaller(caller)) {
      throw new UnauthorizedException(failed('unauthorized'));
    }
    return caller as TCaller;
  }
}
