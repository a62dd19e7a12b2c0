import { hmacSha256Hex, safeEqualHex } from './hmac';

/** ShopiMind's signature (spec §3): hex HMAC-SHA256 of `<timestamp>.<raw body>`. */
export function signShopimindPayload(
  secret: string,
  timestamp: string | number,
  rawBody: Buffer | string,
): string {
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  return hmacSha256Hex(secret, Buffer.concat([Buffer.from(`${timestamp}.`, 'utf8'), body]));
}

export type SignatureVerdict = 'valid' | 'missing' | 'malformed_timestamp' | 'stale' | 'future' | 'mismatch';

export interface SignatureCheck {
  signature: string | undefined;
  timestamp: string | undefined;
  rawBody: Buffer;
  /** Every secret currently accepted (more than one during a rotation). */
  secrets: readonly string[];
  nowSeconds: number;
  maxAgeSeconds: number;
  maxFutureSeconds: number;
}

/** Checks freshness first (cheap) and then each secret in constant time. */
export function verifyShopimindSignature(check: SignatureCheck): SignatureVerdict {
  if (!check.signature || !check.timestamp) {
    return 'missing';
  }
  if (!/^\d{1,12}$/.test(check.timestamp)) {
    return 'malformed_timestamp';
  }
  const age = check.nowSeconds - Number(check.timestamp);
  if (age > check.maxAgeSeconds) {
    return 'stale';
  }
  if (-age > check.maxFutureSeconds) {
    return 'future';
  }
  const received = check.signature.trim().toLowerCase();
  const matches = check.secrets.map((secret) =>
    safeEqualHex(signShopimindPayload(secret, check.timestamp as string, check.rawBody), received),
  );
  return matches.includes(true) ? 'valid' : 'mismatch';
}
