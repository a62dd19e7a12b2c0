import { randomBytes } from 'node:crypto';
import type { Response } from 'express';

/** A fresh value per response: only the inline script and style we wrote carry it. */
export function newCspNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The OAuth pages' headers (no framing, no caching, no Referer), with a nonce instead of "no script": the status
 * page's own inline script and style run, nothing injected does. `connect-src 'self'` lets it poll its JSON.
 */
function adminSecurityHeaders(nonce: string): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      "connect-src 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}

export function sendAdminHtml(response: Response, status: number, html: string, nonce: string): void {
  response.status(status).set(adminSecurityHeaders(nonce)).send(html);
}
