import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  resolveStoreSettings,
  type StoreAuth,
  type StoreConnectionSettings,
  StoreSettingsError,
} from '@storebridge/store-client';
import type { FieldMapping } from '@storebridge/store-normalization';
import { IntegrationConfigDto } from './integration-config.dto';

export interface IntegrationConfig {
  store: StoreConnectionSettings;
  lang: string;
  currency: string;
  syncIntervalMinutes: number;
  storeWebhookSecret?: string;
  /** Category names whose products stay out of ShopiMind; empty when the merchant excluded none. */
  excludedCategories: string[];
}

/** The problems are safe to show a merchant: they name fields, never echo values. */
export class InvalidIntegrationConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid_config: ${problems.join('; ')}`);
  }
}

function parseMapping(value: unknown, key: string, problems: string[]): FieldMapping {
  if (value === undefined || value === null || value === '') {
    return {};
  }
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      problems.push(`${key} must be a JSON object like {"name": "title"}`);
      return {};
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problems.push(`${key} must be a JSON object like {"name": "title"}`);
    return {};
  }
  const entries = Object.entries(parsed);
  if (entries.some(([, field]) => typeof field !== 'string')) {
    problems.push(`${key} values must be store field names (strings)`);
    return {};
  }
  return Object.fromEntries(entries as [string, string][]);
}

function authFrom(dto: IntegrationConfigDto, problems: string[]): StoreAuth | undefined {
  switch (dto.store_auth_method) {
    case 'api_key':
    case 'bearer':
      if (!dto.store_api_token) {
        problems.push('store_api_token is required for this authentication method');
        return undefined;
      }
      return { method: dto.store_auth_method, token: dto.store_api_token };
    case 'basic':
      if (!dto.store_username || dto.store_password === undefined) {
        problems.push('store_username and store_password are required for basic authentication');
        return undefined;
      }
      return { method: 'basic', username: dto.store_username, password: dto.store_password };
  }
}

/** What the form's own routes (connection test aside) need of a config map: the store and the exclusions. */
export type StoreFormConfig = Pick<IntegrationConfig, 'store' | 'excludedCategories'>;

/** Keys only the synchronisation uses: a form being filled in may not hold them yet. */
const CATALOGUE_KEYS: ReadonlySet<string> = new Set(['lang', 'currency']);

/** The language and currency a stored connection already has. */
export type StoredCatalogueSettings = Pick<IntegrationConfig, 'lang' | 'currency'>;

/**
 * Validates ShopiMind's config map (activate / config_updated) into what the services use. `stored`: an
 * existing connection's language and currency, kept when the map has none (saved before they were required).
 */
export function parseIntegrationConfig(
  configs: Record<string, unknown>,
  stored?: StoredCatalogueSettings,
): IntegrationConfig {
  const filled =
    stored === undefined
      ? configs
      : { lang: stored.lang, currency: stored.currency, ...withoutBlanks(configs) };
  const { dto, store } = parseStoreSettings(filled, new Set());
  return {
    store,
    lang: dto.lang,
    currency: dto.currency,
    syncIntervalMinutes: dto.sync_interval_minutes,
    excludedCategories: [...dto.excluded_categories],
    ...(dto.store_webhook_secret ? { storeWebhookSecret: dto.store_webhook_secret } : {}),
  };
}

/**
 * The store part of a config map, for the remote-data options ShopiMind's form asks for while the merchant
 * fills it in: the language and currency are neither needed there nor checked.
 */
export function parseStoreFormConfig(configs: Record<string, unknown>): StoreFormConfig {
  const { dto, store } = parseStoreSettings(configs, CATALOGUE_KEYS);
  return { store, excludedCategories: [...dto.excluded_categories] };
}

/** Forms send untouched fields as "" (or null): such a field must not hide the stored value. */
function withoutBlanks(configs: Record<string, unknown>): Record<string, unknown> {
  const isBlank = (value: unknown): boolean =>
    value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
  return Object.fromEntries(
    Object.entries(configs).filter(([key, value]) => !(CATALOGUE_KEYS.has(key) && isBlank(value))),
  );
}

function parseStoreSettings(
  configs: Record<string, unknown>,
  unchecked: ReadonlySet<string>,
): { dto: IntegrationConfigDto; store: StoreConnectionSettings } {
  const dto = plainToInstance(IntegrationConfigDto, configs, {
    excludeExtraneousValues: true,
    exposeDefaultValues: true,
  });
  const problems = validateSync(dto)
    .filter((error) => !unchecked.has(error.property))
    .flatMap((error) => Object.values(error.constraints ?? {}));
  if (problems.length > 0) {
    throw new InvalidIntegrationConfigError(problems);
  }
  const auth = authFrom(dto, problems);
  const products = parseMapping(dto.product_field_mappings, 'product_field_mappings', problems);
  const orders = parseMapping(dto.order_field_mappings, 'order_field_mappings', problems);
  if (!auth || problems.length > 0) {
    throw new InvalidIntegrationConfigError(problems);
  }
  try {
    const store = resolveStoreSettings({
      baseUrl: dto.store_base_url,
      auth,
      paths: { health: dto.health_path, products: dto.products_path, orders: dto.orders_path },
      fieldMappings: { products, orders },
      perPage: dto.store_page_size,
    });
    return { dto, store };
  } catch (error) {
    if (error instanceof StoreSettingsError) {
      throw new InvalidIntegrationConfigError([error.message]);
    }
    throw error;
  }
}
