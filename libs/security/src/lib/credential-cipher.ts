import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Versioned so the format (or key) can be rotated later without guessing what a stored value is. */
const FORMAT_PREFIX = 'v1';

export class CredentialCipherError extends Error {}

/**
 * AES-256-GCM for credentials at rest (access tokens, store credentials, webhook secrets).
 * Stored form: `v1.<iv>.<tag>.<ciphertext>` (base64url parts); the tag makes tampering fail loudly.
 */
export class CredentialCipher {
  private readonly key: Buffer;
  private readonly fingerprintKey: Buffer;

  constructor(hexKey: string) {
    if (!/^[0-9a-fA-F]{64}$/.test(hexKey)) {
      throw new CredentialCipherError('The credentials key must be 64 hexadecimal characters (32 bytes).');
    }
    this.key = Buffer.from(hexKey, 'hex');
    // A separate key, so a fingerprint says nothing about the encryption key.
    this.fingerprintKey = createHmac('sha256', this.key).update('storebridge fingerprint v1').digest();
  }

  /**
   * Keyed hash of a value that may hold secrets: tells whether it changed without storing anything a
   * database leak could brute-force offline.
   */
  fingerprint(value: string): string {
    return createHmac('sha256', this.fingerprintKey).update(value, 'utf8').digest('hex');
  }

  /**
   * A 32-byte key for one purpose (e.g. signing links), derived with HKDF-SHA256: it reveals nothing about the
   * encryption key, and keys of different purposes are unrelated.
   */
  purposeKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), `storebridge ${purpose} v1`, 32));
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [FORMAT_PREFIX, iv, tag, ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  decrypt(stored: string): string {
    const [prefix, iv, tag, ciphertext, ...rest] = stored.split('.');
    if (prefix !== FORMAT_PREFIX || !iv || !tag || ciphertext === undefined || rest.length > 0) {
      throw new CredentialCipherError('Not an encrypted credential.');
    }
    try {
      const decipher = createDecipheriv(ALGORITHM, this.key, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      // Wrong key or tampered value; never echo the input.
      throw new CredentialCipherError('The credential could not be decrypted (wrong key or tampered value).');
    }
  }
}
