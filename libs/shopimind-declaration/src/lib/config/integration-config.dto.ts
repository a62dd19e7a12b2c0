import { Expose, Transform } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { CONFIG_DEFAULTS, CONFIG_RULES, STORE_AUTH_METHODS } from './integration-config.rules';

export { STORE_AUTH_METHODS } from './integration-config.rules';

type TransformInput = { value: unknown };

/** Forms send untouched optional fields as "": a blank value counts as absent. */
const isBlank = (value: unknown): boolean =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

const toTrimmedString = ({ value }: TransformInput) =>
  typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : value;

const toOptionalTrimmedString = (input: TransformInput) =>
  isBlank(input.value) ? undefined : toTrimmedString(input);

/** Secrets are kept byte for byte; only a blank one counts as absent. */
const toOptionalSecret = ({ value }: TransformInput) => (isBlank(value) ? undefined : value);

const trimmedOr =
  (fallback: string) =>
  (input: TransformInput): unknown =>
    isBlank(input.value) ? fallback : toTrimmedString(input);

const toIntegerOr =
  (fallback: number) =>
  ({ value }: TransformInput): unknown => {
    if (isBlank(value)) {
      return fallback;
    }
    return typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  };

/** A multiselect value: an array, or a comma-separated string; trimmed, blanks and duplicates dropped. */
const toNameList = ({ value }: TransformInput): unknown => {
  if (isBlank(value)) {
    return [...CONFIG_DEFAULTS.excluded_categories];
  }
  const items: unknown[] =
    typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : [value];
  // Non-strings are kept so that validation names the field instead of dropping them silently.
  const trimmed = items.map((item) => (typeof item === 'string' ? item.trim() : item));
  return [...new Set(trimmed.filter((item) => item !== ''))];
};

/**
 * The configuration map ShopiMind sends (keys of our config_schema). Values arrive as form strings;
 * this DTO converts and validates them at the edge. Constraints and defaults come from `CONFIG_RULES`
 * and `CONFIG_DEFAULTS`, which `INTEGRATION_CONFIG_SCHEMA` shows to the merchant.
 */
export class IntegrationConfigDto {
  @Expose()
  @Transform(toTrimmedString)
  @IsString({ message: 'store_base_url is required' })
  @Matches(CONFIG_RULES.storeBaseUrlPattern, {
    message: 'store_base_url must be scheme and host only, like https://shop.example.com',
  })
  store_base_url!: string;

  @Expose()
  @Transform(toTrimmedString)
  @IsIn(STORE_AUTH_METHODS, { message: `store_auth_method must be one of ${STORE_AUTH_METHODS.join(', ')}` })
  store_auth_method!: (typeof STORE_AUTH_METHODS)[number];

  /** API key or bearer token, depending on the method. */
  @Expose()
  @IsOptional()
  @Transform(toOptionalTrimmedString)
  @IsString()
  store_api_token?: string;

  @Expose()
  @IsOptional()
  @Transform(toOptionalTrimmedString)
  @IsString()
  store_username?: string;

  @Expose()
  @IsOptional()
  @IsString()
  store_password?: string;

  @Expose()
  @Transform(trimmedOr(CONFIG_DEFAULTS.health_path))
  @Matches(CONFIG_RULES.endpointPathPattern, { message: 'health_path must start with /' })
  health_path: string = CONFIG_DEFAULTS.health_path;

  @Expose()
  @Transform(trimmedOr(CONFIG_DEFAULTS.products_path))
  @Matches(CONFIG_RULES.endpointPathPattern, { message: 'products_path must start with /' })
  products_path: string = CONFIG_DEFAULTS.products_path;

  @Expose()
  @Transform(trimmedOr(CONFIG_DEFAULTS.orders_path))
  @Matches(CONFIG_RULES.endpointPathPattern, { message: 'orders_path must start with /' })
  orders_path: string = CONFIG_DEFAULTS.orders_path;

  /** JSON object, canonical field → store field. */
  @Expose()
  @IsOptional()
  product_field_mappings?: unknown;

  @Expose()
  @IsOptional()
  order_field_mappings?: unknown;

  /** Required: the store's records do not say which language their texts are in. */
  @Expose()
  @Transform(toOptionalTrimmedString)
  @IsString({ message: 'lang is required: the two-letter language code of your product texts, like en' })
  @Matches(CONFIG_RULES.langPattern, { message: 'lang must be a two-letter language code like en' })
  lang!: string;

  /** Required: it labels every price whose store record names no currency of its own. */
  @Expose()
  @Transform(toOptionalTrimmedString)
  @IsString({ message: 'currency is required: the three-letter ISO code of your prices, like USD' })
  @Matches(CONFIG_RULES.currencyPattern, { message: 'currency must be a three-letter ISO code like EUR' })
  currency!: string;

  @Expose()
  @Transform(toIntegerOr(CONFIG_DEFAULTS.sync_interval_minutes))
  @IsInt({ message: 'sync_interval_minutes must be a whole number of minutes' })
  @Min(CONFIG_RULES.syncIntervalMinutes.min, {
    message: `sync_interval_minutes must be at least ${CONFIG_RULES.syncIntervalMinutes.min}`,
  })
  @Max(CONFIG_RULES.syncIntervalMinutes.max, {
    message: `sync_interval_minutes must be at most ${CONFIG_RULES.syncIntervalMinutes.max} (a week)`,
  })
  sync_interval_minutes: number = CONFIG_DEFAULTS.sync_interval_minutes;

  /** Records asked per page of the store crawl (`per_page`). */
  @Expose()
  @Transform(toIntegerOr(CONFIG_DEFAULTS.store_page_size))
  @IsInt({ message: 'store_page_size must be a whole number of records' })
  @Min(CONFIG_RULES.storePageSize.min, {
    message: `store_page_size must be at least ${CONFIG_RULES.storePageSize.min}`,
  })
  @Max(CONFIG_RULES.storePageSize.max, {
    message: `store_page_size must be at most ${CONFIG_RULES.storePageSize.max} (the per_page limit of the store API)`,
  })
  store_page_size: number = CONFIG_DEFAULTS.store_page_size;

  @Expose()
  @IsOptional()
  @Transform(toOptionalSecret)
  @IsString()
  @MinLength(CONFIG_RULES.storeWebhookSecretMinLength, {
    message: `store_webhook_secret must be at least ${CONFIG_RULES.storeWebhookSecretMinLength} characters`,
  })
  store_webhook_secret?: string;

  /**
   * The store webhooks field only shows the merchant their webhook URLs (its options); read so the form and the
   * DTO name the same keys, never validated nor used.
   */
  @Expose()
  @IsOptional()
  store_webhooks?: unknown;

  /** Category names whose products are kept out of ShopiMind (multiselect of the `categories` resource). */
  @Expose()
  @Transform(toNameList)
  @IsArray({ message: 'excluded_categories must be a list of category names' })
  @IsString({ each: true, message: 'excluded_categories must contain only category names (text)' })
  excluded_categories: string[] = [...CONFIG_DEFAULTS.excluded_categories];
}
