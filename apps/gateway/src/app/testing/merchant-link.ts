import { CredentialCipher, ExpiringLinkSigner } from '@storebridge/security';

/** A merchant page link signed as the gateway signs them (its key derived from CREDENTIALS_KEY), any expiry. */
export function signedMerchantLink(
  gatewayUrl: string,
  credentialsKey: string,
  connectionId: string,
  expires: number,
): string {
  const signer = new ExpiringLinkSigner(new CredentialCipher(credentialsKey).purposeKey('merchant-link'));
  return `${gatewayUrl}/merchant/connections/${connectionId}?expires=${expires}&sig=${signer.sign(connectionId, expires)}`;
}
