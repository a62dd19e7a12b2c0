import { randomBytes } from 'node:crypto';
import { hmacSha256Hex, safeEqualHex } from '@storebridge/security';

/**
 * CSRF protection of the consent form: a token bound to one pending authorization (HMAC of its id with a random
 * secret stored on it), sent both as a hidden field and as a SameSite=Strict cookie (double submit). A forged
 * cross-site POST carries neither the cookie nor a token it could not read.
 */

export function newCsrfSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function csrfTokenFor(csrfSecret: string, authorizationId: string): string {
  return hmacSha256Hex(csrfSecret, `oauth-consent:${authorizationId}`);
}

/** One cookie per authorization, so two consent pages open in two tabs do not overwrite each other's token. */
export function csrfCookieName(authorizationId: string): string {
  return `oauth_csrf_${authorizationId.replace(/[^0-9a-zA-Z]/g, '')}`;
}

/** Both copies must be present and equal to the token of this authorization (constant-time comparisons). */
export function isValidCsrf(
  expected: string,
  fromForm: string | undefined,
  fromCookie: string | undefined,
): boolean {
  return (
    fromForm !== undefined &&
    fromCookie !== undefined &&
    safeEqualHex(expected, fromForm) &&
    safeEqualHex(expected, fromCookie)
  );
}

/** The value of cookie `name` in a `Cookie` header (no cookie-parser needed for one value). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) {
      return part.slice(separator + 1).trim();
    }
  }
  return undefined;
}
