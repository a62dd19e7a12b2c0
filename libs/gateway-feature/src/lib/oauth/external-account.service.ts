import { Injectable } from '@nestjs/common';
import type { StoreAuth } from '@storebridge/generic-api';
import {
  ExternalAccountRepository,
  type ExternalAccountEntity,
  type StoreAuthMethod,
} from '@storebridge/persistence';
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

/**
 * Auth minus its method, encrypted as one JSON value: the very format of `store_connections.credentials_ciphertext`
 * (libs/connections store-connection.service.ts), so one account can become one connection unchanged.
 */
type StoredCredentials = { token: string } | { username: string; password: string };

function credentialsOf(auth: StoreAuth): StoredCredentials {
  return auth.method === 'basic'
    ? { username: auth.username, password: auth.password }
    : { token: auth.token };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class ExternalAccountCredentialsError extends Error {
  constructor(externalAccountId: string, method: StoreAuthMethod) {
    super(
      `The stored credentials of external account ${externalAccountId} do not fit its auth method ${method}`,
    );
    this.name = 'ExternalAccountCredentialsError';
  }
}

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
      credentialsCiphertext: this.cipher.encrypt(JSON.stringify(credentialsOf(account.auth))),
    });
  }

  /**
   * The store settings of a Type B installation, as config map entries (to merge under ShopiMind's configs
   * when they carry no `store_base_url`). Null for an absent, malformed or unknown id: the id arrives from
   * ShopiMind's `install`, not from us. Throws when the stored credentials cannot be decrypted.
   */
  async storeConfigFor(
    externalAccountId: string | null | undefined,
  ): Promise<ExternalAccountStoreConfig | null> {
    if (!externalAccountId || !UUID.test(externalAccountId)) {
      return null;
    }
    const account = await this.accounts.findById(externalAccountId);
    if (!account) {
      return null;
    }
    const credentials = JSON.parse(this.cipher.decrypt(account.credentialsCiphertext)) as StoredCredentials;
    switch (account.authMethod) {
      case 'basic':
        if ('username' in credentials) {
          return {
            store_base_url: account.baseUrl,
            store_auth_method: 'basic',
            store_username: credentials.username,
            store_password: credentials.password,
          };
        }
        break;
      case 'api_key':
      case 'bearer':
        if ('token' in credentials) {
          return {
            store_base_url: account.baseUrl,
            store_auth_method: account.authMethod,
            store_api_token: credentials.token,
          };
        }
        break;
    }
    throw new ExternalAccountCredentialsError(account.id, account.authMethod);
  }
}
