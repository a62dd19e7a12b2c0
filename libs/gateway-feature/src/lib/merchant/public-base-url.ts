import type { Request } from 'express';

/** A host name, IPv4 or bracketed IPv6 address, with an optional port: nothing else may reach a URL we build. */
const HOST_HEADER = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * Our public address as the caller reached it (scheme and Host header), for when PUBLIC_BASE_URL is not set.
 * The scheme follows `X-Forwarded-Proto` only behind a trusted proxy (TRUST_PROXY). Undefined when the Host
 * header is missing or is not a plain host.
 */
export function requestBaseUrl(request: Pick<Request, 'protocol' | 'headers'>): string | undefined {
  const host = request.headers.host;
  if (typeof host !== 'string' || !HOST_HEADER.test(host)) {
    return undefined;
  }
  const scheme = request.protocol === 'https' ? 'https' : 'http';
  return `${scheme}://${host.toLowerCase()}`;
}

/** The configured PUBLIC_BASE_URL wins; else the request's own address; else '' (URLs become paths). */
export function publicBaseUrl(
  configured: string | undefined,
  request: Pick<Request, 'protocol' | 'headers'> | undefined,
): string {
  return configured ?? (request ? requestBaseUrl(request) : undefined) ?? '';
}
