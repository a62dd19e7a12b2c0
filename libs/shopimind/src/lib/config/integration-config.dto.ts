import { Expose, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';

export const STORE_AUTH_METHODS = ['api_key', 'bearer', 'basic'] as const;

const toTrimmedString = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : value;
const toInteger = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;

/**
 * The configuration map ShopiMind sends on activate / config_updated (keys of our config_schema).
 * Values arrive as form strings; this DTO converts and validates them at the edge.
 */
export class IntegrationConfigDto {
  @Expose()
  @Transform(toTrimmedString)
  @IsString({ message: 'store_base_url is required' })
  @Matches(/^https?:\/\/[^/\s]+\/?$/, {
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
  @Transform(toTrimmedString)
  @IsString()
  store_api_token?: string;

  @Expose()
  @IsOptional()
  @Transform(toTrimmedString)
  @IsString()
  store_username?: string;

  @Expose()
  @IsOptional()
  @IsString()
  store_password?: string;

  @Expose()
  @IsOptional()
  @Transform(toTrimmedString)
  @Matches(/^\/[^\s]*$/, { message: 'health_path must start with /' })
  health_path?: string;

  @Expose()
  @IsOptional()
  @Transform(toTrimmedString)
  @Matches(/^\/[^\s]*$/, { message: 'products_path must start with /' })
  products_path?: string;

  @Expose()
  @IsOptional()
  @Transform(toTrimmedString)
  @Matches(/^\/[^\s]*$/, { message: 'orders_path must start with /' })
  orders_path?: string;

  /** JSON object, canonical field → store field. */
  @Expose()
  @IsOptional()
  product_field_mappings?: unknown;

  @Expose()
  @IsOptional()
  order_field_mappings?: unknown;

  @Expose()
  @Transform(toTrimmedString)
  @Matches(/^[a-z]{2}$/, { message: 'lang must be a two-letter language code like en' })
  lang = 'en';

  @Expose()
  @Transform(toTrimmedString)
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be a three-letter ISO code like EUR' })
  currency = 'EUR';

  @Expose()
  @Transform(toInteger)
  @IsInt({ message: 'sync_interval_minutes must be a whole number of minutes' })
  @Min(5, { message: 'sync_interval_minutes must be at least 5' })
  @Max(10_080, { message: 'sync_interval_minutes must be at most 10080 (a week)' })
  sync_interval_minutes = 1440;

  @Expose()
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'store_webhook_secret must be at least 16 characters' })
  store_webhook_secret?: string;
}
