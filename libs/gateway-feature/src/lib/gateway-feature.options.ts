/** What the gateway needs from its environment; the app maps its validated env onto this. */
export interface GatewayFeatureOptions {
  webhookSecrets: readonly string[];
  signatureMaxAgeSeconds: number;
  allowPrivateStoreUrls: boolean;
  /** Type B: the declaration asks merchants to connect their store on our consent page first. */
  requiresExternalAuth?: boolean;
  /** Type B OAuth: where the consent page may send the browser back (exact match); absent → none. */
  oauthRedirectUris?: readonly string[];
  /**
   * Our public address (scheme and host, no trailing slash) for the URLs we give merchants (store webhooks, their
   * page); absent → the address each request reached us at.
   */
  publicBaseUrl?: string;
  /** ADMIN_TOKEN: the admin API's Bearer token; absent → no admin routes at all. */
  adminToken?: string;
  /** Signed ShopiMind routes, per client IP, checked before any HMAC work; absent → the default below. */
  shopimindRateLimit?: RateLimitOptions;
}

/** At most `limit` requests per client in each fixed window of `windowMs`. */
export interface RateLimitOptions {
  limit: number;
  windowMs: number;
}

/**
 * Generous on purpose (10 per second sustained): ShopiMind calls from a few addresses on behalf of every
 * installation (lifecycle events, connection tests, remote selects), so this only stops floods.
 */
export const DEFAULT_SHOPIMIND_RATE_LIMIT: RateLimitOptions = { limit: 600, windowMs: 60_000 };

export const GATEWAY_FEATURE_OPTIONS = Symbol('GATEWAY_FEATURE_OPTIONS');

/** Spec §3: a timestamp more than 60 s ahead of our clock is refused. */
export const SIGNATURE_MAX_FUTURE_SECONDS = 60;
