import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Lower-case hex HMAC-SHA256 of `message` with `secret`. */
export function hmacSha256Hex(secret: string, message: Buffer | string): string {
  return createHmac('sha256', secret).update(message).digest('hex');
}

/** Compares two hex signatures in constant time; any malformed input is simply "not equal". */
export function safeEqualHex(expected: string, received: string): boolean {
  if (received.length !== expected.length || !/^[0-9a-fA-F]*$/.test(received)) {
    return false;
  }
  const a = Buffer.from(expected, 'hex');
  const b = Buffer.from(received, 'hex');
  return a.length > 0 && a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Compares two secrets of any length in constant time: both are hashed first, so neither their lengths nor the
 * position of the first difference shows in the time taken.
 */
export function safeEqualText(expected: string, received: string): boolean {
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(received, 'utf8').digest();
  return timingSafeEqual(a, b);
}
