import type { Response } from 'express';

/**
 * Headers of every OAuth page: no script at all, no framing (clickjacking on a credentials form), no caching,
 * no Referer (the authorize URL carries `state` and `sig`). `form-action` must also list where the consent
 * POST redirects to: browsers apply it to the redirect.
 */
function securityHeaders(formActionOrigins: readonly string[]): Record<string, string> {
  const formAction = ["'self'", ...formActionOrigins].join(' ');
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}

export function sendHtml(
  response: Response,
  status: number,
  html: string,
  formActionOrigins: readonly string[] = [],
): void {
  response.status(status).set(securityHeaders(formActionOrigins)).send(html);
}
