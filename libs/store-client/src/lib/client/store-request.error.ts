/** Why a request to the store failed; each maps to one reason shown to the merchant (spec §1, §3). */
export enum StoreRequestErrorKind {
  /** 401 or 403: wrong or revoked credential. */
  Unauthorized = 'unauthorized',
  /** 404: wrong base URL or endpoint path. */
  NotFound = 'not_found',
  /** 429 still returned after every retry. */
  RateLimited = 'rate_limited',
  /** 5xx still returned after every retry. */
  ServerError = 'server_error',
  Timeout = 'timeout',
  /** DNS, TLS, refused or reset connection. */
  Network = 'network',
  /** A success status whose body is not JSON (often an HTML page behind a wrong path). */
  NotJson = 'not_json',
  /** Any other status, or JSON that is not a page of records. */
  BadResponse = 'bad_response',
}

/** Node/OpenSSL codes of a failed TLS handshake or certificate check (not worth a retry). */
export function isTlsErrorCode(code: string): boolean {
  return /CERT|TLS|SSL/.test(code) || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE';
}

export interface StoreRequestErrorDetails {
  kind: StoreRequestErrorKind;
  method: string;
  /** URL path only: never host credentials, query string or headers. */
  path: string;
  status?: number;
  /** Low-level code from the network stack (`ENOTFOUND`, `ECONNRESET`, `CERT_HAS_EXPIRED`...). */
  code?: string;
  attempts: number;
  reason: string;
  cause?: unknown;
}

export class StoreRequestError extends Error {
  readonly kind: StoreRequestErrorKind;
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly code?: string;
  readonly attempts: number;
  /** The message without its `GET /path failed:` prefix, for callers that word their own. */
  readonly reason: string;

  constructor(details: StoreRequestErrorDetails) {
    const tries = details.attempts > 1 ? ` after ${details.attempts} attempts` : '';
    super(`${details.method} ${details.path} failed${tries}: ${details.reason}`, { cause: details.cause });
    this.name = 'StoreRequestError';
    this.kind = details.kind;
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.code = details.code;
    this.attempts = details.attempts;
    this.reason = details.reason;
  }
}
