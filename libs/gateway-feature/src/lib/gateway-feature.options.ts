/** What the gateway needs from its environment; the app maps its validated env onto this. */
export interface GatewayFeatureOptions {
  webhookSecrets: readonly string[];
  signatureMaxAgeSeconds: number;
  allowPrivateStoreUrls: boolean;
}

export const GATEWAY_FEATURE_OPTIONS = Symbol('GATEWAY_FEATURE_OPTIONS');

/** Spec §3: a timestamp more than 60 s ahead of our clock is refused. */
export const SIGNATURE_MAX_FUTURE_SECONDS = 60;
