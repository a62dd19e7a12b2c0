import { Expose, plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateIf,
  validateSync,
} from 'class-validator';
import { STORE_AUTH_METHODS, type StoreAuthMethod } from '@storebridge/persistence';
import type { StoreAuth } from '@storebridge/store-client';
import { withoutConstructorKeys } from '../../edge-input/without-constructor-keys';
import type { ConsentFormValues } from '../oauth-pages';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** Visible ASCII: sent verbatim in a header (generic-api.md §2). */
const HEADER_TOKEN = /^[\x21-\x7e]+$/;
const NO_CONTROL_CHARACTERS = /^[^\p{Cc}]*$/u;

/** The hidden fields that tie a submission to its pending authorization. */
export class ConsentBindingDto {
  @Expose()
  @IsUUID()
  authorization_id!: string;

  @Expose()
  @IsString()
  @Matches(/^[0-9a-f]{64}$/)
  csrf_token!: string;
}

/** What the merchant typed on the consent page; messages are shown to them as is. */
export class ConsentFormDto {
  @Expose()
  @Transform(trimmed)
  @IsString({ message: 'Store URL is required.' })
  @MaxLength(2048, { message: 'Store URL is too long.' })
  @Matches(/^https?:\/\/[^/\s?#]+\/?$/i, {
    message: 'Store URL must be a scheme and host only, like https://shop.example.com.',
  })
  store_base_url!: string;

  @Expose()
  @Transform(trimmed)
  @IsIn(STORE_AUTH_METHODS, { message: 'Choose an authentication method.' })
  store_auth_method!: StoreAuthMethod;

  @Expose()
  @ValidateIf((form: ConsentFormDto) => form.store_auth_method !== 'basic')
  @Transform(trimmed)
  @IsString({ message: 'Enter the API key or token.' })
  @MaxLength(4096, { message: 'The API key or token is too long.' })
  @Matches(HEADER_TOKEN, { message: 'Enter the API key or token (visible characters, no spaces).' })
  store_api_token?: string;

  @Expose()
  @ValidateIf((form: ConsentFormDto) => form.store_auth_method === 'basic')
  @Transform(trimmed)
  @IsString({ message: 'Enter the username for basic authentication.' })
  @IsNotEmpty({ message: 'Enter the username for basic authentication.' })
  @MaxLength(512, { message: 'The username is too long.' })
  @Matches(/^[^:\p{Cc}]*$/u, { message: 'The username cannot contain ":" or control characters.' })
  store_username?: string;

  // Not trimmed: a password may start or end with a space.
  @Expose()
  @ValidateIf((form: ConsentFormDto) => form.store_auth_method === 'basic')
  @IsString({ message: 'Enter the password for basic authentication.' })
  @IsNotEmpty({ message: 'Enter the password for basic authentication.' })
  @MaxLength(4096, { message: 'The password is too long.' })
  store_password?: string;

  @Expose()
  @IsOptional()
  @Transform(trimmed)
  @IsString({ message: 'The health endpoint path must start with "/".' })
  @MaxLength(2048, { message: 'The health endpoint path is too long.' })
  @Matches(/^\/(?!\/)\S*$/, { message: 'The health endpoint path must start with a single "/".' })
  health_path?: string;

  @Expose()
  @IsOptional()
  @Transform(trimmed)
  @IsString({ message: 'The account name must be text.' })
  @MaxLength(100, { message: 'The account name must be at most 100 characters.' })
  @Matches(NO_CONTROL_CHARACTERS, { message: 'The account name cannot contain control characters.' })
  account_name?: string;
}

export type ParsedConsentForm =
  { ok: true; form: ConsentFormDto; auth: StoreAuth } | { ok: false; errors: string[] };

const asString = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The non-secret values to show again after a failed submission (repeated or odd fields come back empty). */
export function redisplayedValues(body: Readonly<Record<string, unknown>>): ConsentFormValues {
  const method = asString(body['store_auth_method']).trim();
  return {
    storeBaseUrl: asString(body['store_base_url']).trim(),
    storeAuthMethod: (STORE_AUTH_METHODS as readonly string[]).includes(method)
      ? (method as StoreAuthMethod)
      : 'api_key',
    storeUsername: asString(body['store_username']).trim(),
    healthPath: asString(body['health_path']).trim() || '/health',
    accountName: asString(body['account_name']).trim(),
  };
}

/** The hidden fields, or null when either is missing or malformed (a tampered form, not a typo). */
export function parseConsentBinding(body: Readonly<Record<string, unknown>>): ConsentBindingDto | null {
  const binding = plainToInstance(ConsentBindingDto, withoutConstructorKeys(body), {
    excludeExtraneousValues: true,
  });
  return validateSync(binding).length === 0 ? binding : null;
}

export function parseConsentForm(body: Readonly<Record<string, unknown>>): ParsedConsentForm {
  const form = plainToInstance(ConsentFormDto, withoutConstructorKeys(body), {
    excludeExtraneousValues: true,
  });
  const errors = validateSync(form).flatMap((error) => {
    // One message per field: the first constraint that failed says what to fix.
    const [first] = Object.values(error.constraints ?? {});
    return first ? [first] : [];
  });
  if (errors.length > 0) {
    return { ok: false, errors };
  }
  const auth: StoreAuth =
    form.store_auth_method === 'basic'
      ? { method: 'basic', username: form.store_username ?? '', password: form.store_password ?? '' }
      : { method: form.store_auth_method, token: form.store_api_token ?? '' };
  return { ok: true, form, auth };
}
