import { Injectable, Logger } from '@nestjs/common';
import { decryptStoreAuth, isUnreadableCredential } from '@storebridge/connections';
import { StoreConnectionRepository, type StoreConnectionEntity } from '@storebridge/persistence';
import { CredentialCipher, safeEqualText } from '@storebridge/security';
import {
  InvalidIntegrationConfigError,
  parseStoreFormConfig,
  type StoreFormConfig,
} from '@storebridge/shopimind-declaration';
import type { StoreAuth } from '@storebridge/store-client';

/**
 * Finds the store connections a ShopiMind config map belongs to. The map carries no installation id, so it is
 * matched on what only the merchant knows: the store base URL and the store credential must both equal a
 * stored connection's. A config map with another credential (or none yet) matches nothing.
 */
@Injectable()
export class StoreConnectionMatcher {
  private readonly logger = new Logger(StoreConnectionMatcher.name);

  constructor(
    private readonly connections: StoreConnectionRepository,
    private readonly cipher: CredentialCipher,
  ) {}

  /** The connections of this store with this credential, the last reconfigured first; usually one. */
  async matching(configs: Record<string, unknown>): Promise<StoreConnectionEntity[]> {
    let config: StoreFormConfig;
    try {
      config = parseStoreFormConfig(configs);
    } catch (error) {
      if (error instanceof InvalidIntegrationConfigError) {
        return [];
      }
      throw error;
    }
    const { baseUrl, auth } = config.store;
    const candidates = await this.connections.findByBaseUrl(baseUrl);
    return candidates.filter((candidate) => this.holdsCredential(candidate, auth));
  }

  private holdsCredential(connection: StoreConnectionEntity, given: StoreAuth): boolean {
    if (connection.authMethod !== given.method) {
      return false;
    }
    let stored: StoreAuth;
    try {
      stored = decryptStoreAuth(this.cipher, connection.authMethod, connection.credentialsCiphertext);
    } catch (error) {
      if (isUnreadableCredential(error)) {
        this.logger.warn(`Store connection ${connection.id}: its stored credential cannot be read`);
        return false;
      }
      throw error;
    }
    return sameCredential(stored, given);
  }
}

/** Constant time on the secret parts; both parts of a basic credential are always compared. */
export function sameCredential(stored: StoreAuth, given: StoreAuth): boolean {
  if (stored.method === 'basic' && given.method === 'basic') {
    const username = safeEqualText(stored.username, given.username);
    const password = safeEqualText(stored.password, given.password);
    return username && password;
  }
  if (stored.method !== 'basic' && given.method !== 'basic') {
    return stored.method === given.method && safeEqualText(stored.token, given.token);
  }
  return false;
}
