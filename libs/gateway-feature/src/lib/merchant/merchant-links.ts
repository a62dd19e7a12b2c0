import { Injectable } from '@nestjs/common';
import { CredentialCipher, ExpiringLinkSigner, type ExpiringLinkCheck } from '@storebridge/security';

/** `GET /merchant/connections/:connectionId?expires=…&sig=…`: a store connection's page for its merchant. */
export const MERCHANT_ROUTE_PREFIX = 'merchant/connections';
export const MERCHANT_CONNECTION_ROUTE = ':connectionId';

/** Long enough to finish setting up a store, short enough that a leaked link stops working on its own. */
export const MERCHANT_LINK_VALIDITY_SECONDS = 7 * 24 * 60 * 60;

export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Signed links to a connection's merchant page. The key is derived from CREDENTIALS_KEY for this purpose only:
 * known to no one else (ShopiMind holds WEBHOOK_SECRET), and unrelated to the keys it encrypts with.
 */
@Injectable()
export class MerchantLinks {
  private readonly signer: ExpiringLinkSigner;

  constructor(cipher: CredentialCipher) {
    this.signer = new ExpiringLinkSigner(cipher.purposeKey('merchant-link'));
  }

  /** `baseUrl` without a trailing slash; '' gives a path. */
  linkFor(baseUrl: string, connectionId: string, nowSeconds: number = unixNow()): string {
    const expires = nowSeconds + MERCHANT_LINK_VALIDITY_SECONDS;
    const query = new URLSearchParams({
      expires: String(expires),
      sig: this.signer.sign(connectionId, expires),
    });
    return `${baseUrl}/${MERCHANT_ROUTE_PREFIX}/${encodeURIComponent(connectionId)}?${query.toString()}`;
  }

  /** `expires` and `sig` as the query holds them (absent, repeated or odd ones are invalid). */
  check(
    connectionId: string,
    expires: unknown,
    sig: unknown,
    nowSeconds: number = unixNow(),
  ): ExpiringLinkCheck {
    return this.signer.check(connectionId, expires, sig, nowSeconds);
  }
}
