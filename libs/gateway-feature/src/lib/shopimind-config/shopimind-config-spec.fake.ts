import type { GatewayFeatureOptions } from '../gateway-feature.options';

/** Gateway options for the config-form specs; the demo store listens on loopback, so private URLs are allowed. */
export function configSpecOptions(allowPrivateStoreUrls = true): GatewayFeatureOptions {
  return { webhookSecrets: ['s'], signatureMaxAgeSeconds: 300, allowPrivateStoreUrls };
}

/** The merchant's config map pointing at a store with an API key, as ShopiMind's form sends it. */
export function storeConfigsFor(
  storeUrl: string,
  apiKey: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return { store_base_url: storeUrl, store_auth_method: 'api_key', store_api_token: apiKey, ...overrides };
}
