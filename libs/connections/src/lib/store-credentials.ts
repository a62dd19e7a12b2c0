import type { StoreAuth, StoreAuthMethod } from '@storebridge/store-client';
import { CredentialCipherError, type CredentialCipher } from '@storebridge/security';

/**
 * The stored form of a store credential, shared by store connections and Type B external accounts (so an
 * account becomes a connection unchanged): the auth method has its own column, the secret part is encrypted
 * as one JSON value.
 */
type StoredCredentials = { token: string } | { username: string; password: string };

export class StoredCredentialsMismatchError extends Error {
  constructor(method: StoreAuthMethod) {
    super(`The stored credentials do not fit the auth method ${method}`);
    this.name = 'StoredCredentialsMismatchError';
  }
}

export function encryptStoreCredentials(cipher: CredentialCipher, auth: StoreAuth): string {
  const credentials: StoredCredentials =
    auth.method === 'basic' ? { username: auth.username, password: auth.password } : { token: auth.token };
  return cipher.encrypt(JSON.stringify(credentials));
}

/** Throws CredentialCipherError (wrong key, tampered) or StoredCredentialsMismatchError. */
export function decryptStoreAuth(
  cipher: CredentialCipher,
  method: StoreAuthMethod,
  ciphertext: string,
): StoreAuth {
  const credentials = JSON.parse(cipher.decrypt(ciphertext)) as StoredCredentials;
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
  throw new StoredCredentialsMismatchError(method);
}

/**
 * True for the errors of a stored credential that cannot be read with this service's key (another
 * CREDENTIALS_KEY, a tampered value): retrying cannot help; saving the configuration again stores it afresh.
 */
export function isUnreadableCredential(error: unknown): boolean {
  return error instanceof CredentialCipherError || error instanceof StoredCredentialsMismatchError;
}
