import { DEFAULT_PER_PAGE, DEFAULT_STORE_PATHS, MAX_PER_PAGE } from '@storebridge/store-client';

export const STORE_AUTH_METHODS = ['api_key', 'bearer', 'basic'] as const;

export type ConfigStoreAuthMethod = (typeof STORE_AUTH_METHODS)[number];

/**
 * The constraints of the config map, in one place: `IntegrationConfigDto` enforces them and
 * `INTEGRATION_CONFIG_SCHEMA` shows them to the merchant (spec §6), so the form cannot drift from the
 * validation. Patterns are anchored and written to compile with the `u` and `v` flags too, since a form
 * renderer may hand them to an HTML `pattern` attribute.
 */
export const CONFIG_RULES = {
  /** Scheme and host (and port) only; paths have their own fields. */
  // The escaped "/" in the class is needed by the v flag (an HTML pattern attribute), not by JavaScript.
  // eslint-disable-next-line no-useless-escape
  storeBaseUrlPattern: /^https?:\/\/[^\/\s]+\/?$/,
  endpointPathPattern: /^\/[^\s]*$/,
  langPattern: /^[a-z]{2}$/,
  currencyPattern: /^[A-Z]{3}$/,
  syncIntervalMinutes: { min: 5, max: 10_080 },
  /** The store's `per_page` (generic-api.md §3): the crawl client refuses anything outside 1..100. */
  storePageSize: { min: 1, max: MAX_PER_PAGE },
  storeWebhookSecretMinLength: 16,
} as const;

/**
 * Values applied when a key is absent or blank; the schema shows the same ones as `default`. `lang` and
 * `currency` have none (issue #16): a default would label a USD store's prices EUR without anyone noticing.
 */
export const CONFIG_DEFAULTS = {
  health_path: DEFAULT_STORE_PATHS.health,
  products_path: DEFAULT_STORE_PATHS.products,
  orders_path: DEFAULT_STORE_PATHS.orders,
  sync_interval_minutes: 1440,
  store_page_size: DEFAULT_PER_PAGE,
  excluded_categories: Object.freeze([] as string[]),
} as const;
