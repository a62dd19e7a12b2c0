/** Why a Type B browser step was refused (shopimind.md §8); each code maps to one page in `oauth-error.filter.ts`. */
export enum OAuthErrorCode {
  /** `sig` missing, not ours, or the query has a repeated parameter. */
  InvalidSignature = 'invalid_signature',
  /** `ts` outside the signature window (a replayed or very old link). */
  StaleRequest = 'stale_request',
  /** A required parameter or field is missing or malformed. */
  InvalidRequest = 'invalid_request',
  RedirectUriNotAllowed = 'redirect_uri_not_allowed',
  StateAlreadyUsed = 'state_already_used',
  StateExpired = 'state_expired',
  UnknownAuthorization = 'unknown_authorization',
  /** The form's CSRF token and cookie are missing or do not belong to this authorization. */
  CsrfMismatch = 'csrf_mismatch',
}

/** A refused browser step: rendered as an HTML error page with 400, never as a redirect. */
export class OAuthException extends Error {
  constructor(readonly code: OAuthErrorCode) {
    super(`OAuth request refused: ${code}`);
    this.name = 'OAuthException';
  }
}
