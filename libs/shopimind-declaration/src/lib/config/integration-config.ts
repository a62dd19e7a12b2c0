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

/** Validates ShopiMind's config map (activate / config_updated) into what the services use. */
export function parseIntegrationConfig(configs: Record<string, unknown>): IntegrationConfig {
  const dto = plainToInstance(IntegrationConfigDto, configs, {
    excludeExtraneousValues: true,
    exposeDefaultValues: true,
  });
  const problems = validateSync(dto).flatMap((error) => Object.values(error.constraints ?? {}));
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
    return {
      store,
      lang: dto.lang,
      currency: dto.currency,
      syncIntervalMinutes: dto.sync_interval_minutes,
      excludedCategories: [...dto.excluded_categories],
      ...(dto.store_webhook_secret ? { storeWebhookSecret: dto.store_webhook_secret } : {}),
    };
  } catch (error) {
    if (error instanceof StoreSettingsError) {
      throw new InvalidIntegrationConfigError([error.message]);
    }
    throw error;
  }
}
