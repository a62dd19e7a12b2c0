import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { resolveStoreSettings, type StoreConnectionSettings } from '@storebridge/store-client';
import { StoreConnectionRepository, type StoreConnectionEntity } from '@storebridge/persistence';
import { CredentialCipher } from '@storebridge/security';
import type { IntegrationConfig, StoredCatalogueSettings } from '@storebridge/shopimind-declaration';
import { decryptStoreAuth, encryptStoreCredentials } from './store-credentials';

/** What a stored connection means once its credentials are decrypted (in memory only). */
export interface StoreConnectionView {
  connection: StoreConnectionEntity;
  settings: StoreConnectionSettings;
  webhookSecret?: string;
}

/** JSON with object keys sorted at every level: equal configurations give equal text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, nested: unknown) =>
    nested && typeof nested === 'object' && !Array.isArray(nested)
      ? Object.fromEntries(Object.entries(nested).sort(([a], [b]) => a.localeCompare(b)))
      : nested,
  );
}

export interface SavedStoreConnection {
  connection: StoreConnectionEntity;
  /** False when the configuration is the one already stored (a retried event): nothing to re-sync. */
  changed: boolean;
}

/** 32 random bytes, URL-safe: the store token is the only secret in a store webhook URL. */
export function newStoreToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The one place where store connections are written from a ShopiMind configuration and read back
 * as client settings, so the encryption format has a single home.
 */
@Injectable()
export class StoreConnectionService {
  constructor(
    private readonly connections: StoreConnectionRepository,
    private readonly cipher: CredentialCipher,
  ) {}

  async saveFromConfig(installationId: string, config: IntegrationConfig): Promise<SavedStoreConnection> {
    // Over the whole config (credentials, page size and all): changing any single setting counts as a change.
    const configFingerprint = this.cipher.fingerprint(canonicalJson(config));
    const previous = await this.connections.findByInstallation(installationId);
    if (previous && previous.configFingerprint === configFingerprint) {
      return { connection: previous, changed: false };
    }
    const { store } = config;
    const connection = await this.connections.upsertForInstallation(installationId, {
      baseUrl: store.baseUrl,
      authMethod: store.auth.method,
      credentialsCiphertext: encryptStoreCredentials(this.cipher, store.auth),
      paths: store.paths,
      fieldMappings: {
        products: { ...store.fieldMappings.products },
        orders: { ...store.fieldMappings.orders },
      },
      lang: config.lang,
      currency: config.currency,
      syncIntervalMinutes: config.syncIntervalMinutes,
      perPage: store.perPage,
      excludedCategories: [...config.excludedCategories],
      // Only taken when the connection is created: push moves it on once it replaced the old language's rows.
      shopimindLang: config.lang,
      webhookSecretCiphertext: config.storeWebhookSecret
        ? this.cipher.encrypt(config.storeWebhookSecret)
        : null,
      configFingerprint,
      storeToken: newStoreToken(),
    });
    return { connection, changed: true };
  }

  /** See StoreConnectionEntity.republishedFingerprint. */
  async recordRepublished(
    connection: Pick<StoreConnectionEntity, 'id' | 'configFingerprint'>,
  ): Promise<void> {
    await this.connections.recordRepublished(connection.id, connection.configFingerprint);
  }

  /** The language and currency an installation's connection already has, if it has one. */
  async storedCatalogueSettings(installationId: string): Promise<StoredCatalogueSettings | undefined> {
    const connection = await this.connections.findByInstallation(installationId);
    return connection ? { lang: connection.lang, currency: connection.currency } : undefined;
  }

  async findById(connectionId: string): Promise<StoreConnectionView | null> {
    const connection = await this.connections.findById(connectionId);
    return connection ? this.view(connection) : null;
  }

  view(connection: StoreConnectionEntity): StoreConnectionView {
    const auth = decryptStoreAuth(this.cipher, connection.authMethod, connection.credentialsCiphertext);
    return {
      connection,
      settings: resolveStoreSettings({
        baseUrl: connection.baseUrl,
        auth,
        paths: connection.paths,
        fieldMappings: connection.fieldMappings,
        perPage: connection.perPage,
      }),
      ...(connection.webhookSecretCiphertext
        ? { webhookSecret: this.cipher.decrypt(connection.webhookSecretCiphertext) }
        : {}),
    };
  }
}
