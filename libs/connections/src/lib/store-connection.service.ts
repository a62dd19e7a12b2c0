import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  resolveStoreSettings,
  type StoreAuth,
  type StoreAuthMethod,
  type StoreConnectionSettings,
} from '@storebridge/generic-api';
import { StoreConnectionRepository, type StoreConnectionEntity } from '@storebridge/persistence';
import { CredentialCipher } from '@storebridge/security';
import type { IntegrationConfig } from '@storebridge/shopimind';

/** What a stored connection means once its credentials are decrypted (in memory only). */
export interface StoreConnectionView {
  connection: StoreConnectionEntity;
  settings: StoreConnectionSettings;
  webhookSecret?: string;
}

/** Auth minus its method: the method has its own column, the secret part is encrypted as one JSON value. */
type StoredCredentials = { token: string } | { username: string; password: string };

function credentialsOf(auth: StoreAuth): StoredCredentials {
  return auth.method === 'basic'
    ? { username: auth.username, password: auth.password }
    : { token: auth.token };
}

function authFrom(method: StoreAuthMethod, credentials: StoredCredentials): StoreAuth {
  switch (method) {
    case 'basic':
      if ('username' in credentials) {
        return { method, username: credentials.username, password: credentials.password };
      }
      break;
    case 'api_key':
    case 'bearer':
      if ('token' in credentials) {
        return { method, token: credentials.token };
      }
      break;
  }
  throw new Error(`The stored credentials do not fit the auth method ${method}`);
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
    const configFingerprint = this.cipher.fingerprint(canonicalJson(config));
    const previous = await this.connections.findByInstallation(installationId);
    if (previous && previous.configFingerprint === configFingerprint) {
      return { connection: previous, changed: false };
    }
    const { store } = config;
    const connection = await this.connections.upsertForInstallation(installationId, {
      baseUrl: store.baseUrl,
      authMethod: store.auth.method,
      credentialsCiphertext: this.cipher.encrypt(JSON.stringify(credentialsOf(store.auth))),
      paths: store.paths,
      fieldMappings: {
        products: { ...store.fieldMappings.products },
        orders: { ...store.fieldMappings.orders },
      },
      lang: config.lang,
      currency: config.currency,
      syncIntervalMinutes: config.syncIntervalMinutes,
      webhookSecretCiphertext: config.storeWebhookSecret
        ? this.cipher.encrypt(config.storeWebhookSecret)
        : null,
      configFingerprint,
      storeToken: newStoreToken(),
    });
    return { connection, changed: true };
  }

  async findById(connectionId: string): Promise<StoreConnectionView | null> {
    const connection = await this.connections.findById(connectionId);
    return connection ? this.view(connection) : null;
  }

  view(connection: StoreConnectionEntity): StoreConnectionView {
    const credentials = JSON.parse(
      this.cipher.decrypt(connection.credentialsCiphertext),
    ) as StoredCredentials;
    const auth = authFrom(connection.authMethod, credentials);
    return {
      connection,
      settings: resolveStoreSettings({
        baseUrl: connection.baseUrl,
        auth,
        paths: connection.paths,
        fieldMappings: connection.fieldMappings,
      }),
      ...(connection.webhookSecretCiphertext
        ? { webhookSecret: this.cipher.decrypt(connection.webhookSecretCiphertext) }
        : {}),
    };
  }
}
