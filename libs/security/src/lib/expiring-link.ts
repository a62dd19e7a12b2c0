import { createHmac } from 'node:crypto';
import { safeEqualHex } from './hmac';

export type ExpiringLinkCheck = 'valid' | 'expired' | 'invalid';

/** Unix seconds, digits only: what a link's `expires` may look like. */
const UNIX_SECONDS = /^\d{1,12}$/;

/**
 * Signs links that open one resource until a given time, without any stored state: `sig` is the hex
 * HMAC-SHA256 of `<subject>.<expires>` with a key kept for this purpose only.
 */
export class ExpiringLinkSigner {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) {
      throw new Error('An expiring link key must be at least 32 bytes.');
    }
  }

  sign(subject: string, expiresAtSeconds: number): string {
    return createHmac('sha256', this.key).update(`${subject}.${expiresAtSeconds}`, 'utf8').digest('hex');
  }

  /** `expires` and `sig` as received (query strings); the signature is compared in constant time. */
  check(subject: string, expires: unknown, sig: unknown, nowSeconds: number): ExpiringLinkCheck {
    if (typeof expires !== 'string' || typeof sig !== 'string' || !UNIX_SECONDS.test(expires)) {
      return 'invalid';
    }
    const expiresAt = Number(expires);
    // Signed over the number, so "0123" and "123" cannot both be valid spellings of one link.
    if (String(expiresAt) !== expires || !safeEqualHex(this.sign(subject, expiresAt), sig)) {
      return 'invalid';
    }
    return expiresAt < nowSeconds ? 'expired' : 'valid';
  }
}
