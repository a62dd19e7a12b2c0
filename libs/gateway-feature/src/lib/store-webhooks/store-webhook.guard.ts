import { Injectable } from '@nestjs/common';
import { AuthGuard, type IAuthModuleOptions } from '@nestjs/passport';
import { isStoreWebhookCaller, STORE_WEBHOOK_CALLER_PROPERTY } from './store-webhook-caller';
import { StoreWebhookException } from './store-webhook.exception';
import { STORE_WEBHOOK_STRATEGY } from './store-webhook.strategy';

/**
 * Guards the store webhook routes with StoreWebhookStrategy. Not the ShopiMind guard: no ShopiMind signature,
 * replay store or rate limit applies to a store. The accepted caller is left on the request under
 * STORE_WEBHOOK_CALLER_PROPERTY.
 */
@Injectable()
export class StoreWebhookGuard extends AuthGuard(STORE_WEBHOOK_STRATEGY) {
  override getAuthenticateOptions(): IAuthModuleOptions {
    return { session: false, property: STORE_WEBHOOK_CALLER_PROPERTY };
  }

  /** The 404 of an unknown token, and errors of the lookup itself (a 5xx the store retries), pass through. */
  override handleRequest<TCaller>(error: unknown, caller: unknown): TCaller {
    if (error) {
      throw error;
    }
    if (!isStoreWebhookCaller(caller)) {
      throw new StoreWebhookException('invalid_signature');
    }
    return caller as TCaller;
  }
}
