import { Injectable } from '@nestjs/common';
import type { StoreAuth } from '@storebridge/store-client';
import { decryptStoreAuth, encryptStoreCredentials } from '@storebridge/connections';
import { type ExternalAccountEntity } from '@storebridge/persistence';
import { ExternalAccountRepository, type ExternalAccountClaim } from '@storebridge/gateway-persistence';
import { CredentialCipher } from '@storebridge/security';

/**
 * The part of ShopiMind's config map (keys of our `config_schema`, shopimind.md §6) that a Type B external
 * account supplies: where the store is and how to authenticate.
 */
export type ExternalAccountStoreConfig =
  | { store_base_url: string; store_auth_method: 'api_key' | 'bearer'; store_api_token: string }
  | { store_base_url: string; store_auth_method: 'basic'; store_username: string; store_password: string };

export interface NewExternalAccount {
  name: string;
  /** Already normalized and tested (`resolveStoreSettings`, SSRF policy, health check). */
  baseUrl: string;
  auth: StoreAuth;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The one place external accounts are written and read back with their credentials decrypted. */
@Injectable()
export class ExternalAccountService {
  constructor(
    private readonly accounts: ExternalAccountRepository,
    private readonly cipher: CredentialCipher,
  ) {}

  create(account: NewExternalAccount): Promise<ExternalAccountEntity> {
    return this.accounts.create({
      name: account.name,
      baseUrl: account.baseUrl,
      authMethod: account.auth.method,
      credentialsCiphertext: encryptStoreCredentials(this.cipher, account.auth),
    });
  }

  /**
   * Binds account `externalAccountId` to the installation installing with it: an account belongs to the one
   * installation it was created for, so one another installation holds is `taken`. A malformed id is `unknown`.
   */
  claim(externalAccountId: string, installationKey: string): Promise<ExternalAccountClaim> {
    return UUID.test(externalAccountId)
      ? this.accounts.claim(externalAccountId, installationKey)
      : Promise.resolve('unknown');
  }

  /** Uninstall: the store credential entered on the consent page goes with the installation. */
  destroyClaimedBy(installationKey: string): Promise<void> {
    return this.accounts.deleteClaimedBy(installationKey);
  }

  /**
   * The store settings of a Type B installation, as config map entries (to merge under ShopiMind's configs
   * when they carry no `store_base_url`). Null for an absent, malformed or unknown id, or an account the
   * installation did not claim: the id arrives from ShopiMind's `install`, not from us. Throws when the stored
   * credentials cannot be decrypted or do not fit.
   */
  async storeConfigFor(
    externalAccountId: string | null | undefined,
    installationKey: string,
  ): Promise<ExternalAccountStoreConfig | null> {
    if (!externalAccountId || !UUID.test(externalAccountId)) {
      return null;
    }
    const account = await this.accounts.findById(externalAccountId);
    if (account?.installationKey !== installationKey) {
      return null;
    }
    const auth = decryptStoreAuth(this.cipher, account.authMethod, account.credentialsCiphertext);
    return auth.method === 'basic'
      ? {
          store_base_url: account.baseUrl,
          store_auth_method: 'basic',
          store_username: auth.username,
          store_password: auth.password,
        }
      : { store_base_url: account.baseUrl, store_auth_method: auth.method, store_api_token: auth.token };
  }
}
