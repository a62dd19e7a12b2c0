import { Transform } from 'class-transformer';
import { IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { LIFECYCLE_EVENTS, type LifecycleEventName } from '@storebridge/shopimind-declaration';

export { LIFECYCLE_EVENTS, type LifecycleEventName };

/** Spec §5: both the short names and ShopiMind's namespaced spellings are accepted. */
const NAMESPACED: Record<string, LifecycleEventName> = {
  'integration.installed': 'install',
  'integration.activated': 'activate',
  'integration.config_updated': 'config_updated',
  'integration.deactivated': 'deactivate',
  'integration.uninstalled': 'uninstall',
};

export function toLifecycleEventName(event: string): LifecycleEventName | undefined {
  if ((LIFECYCLE_EVENTS as readonly string[]).includes(event)) {
    return event as LifecycleEventName;
  }
  // Own keys only: `NAMESPACED['constructor']` (or `toString`, `__proto__`) is inherited from Object.prototype.
  return Object.hasOwn(NAMESPACED, event) ? NAMESPACED[event] : undefined;
}

const toOptionalString = ({ value }: { value: unknown }) =>
  typeof value === 'number' ? String(value) : value;

/** Identifiers and tokens are stored and logged: no control characters, and a length no real one exceeds. */
const NO_CONTROL_CHARACTERS = /^[^\p{Cc}]*$/u;
const MAX_IDENTIFIER_LENGTH = 255;

/** The common shape of every lifecycle webhook; unknown extra fields are ignored, never rejected. */
export class LifecycleEventDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  event!: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_IDENTIFIER_LENGTH)
  @Matches(NO_CONTROL_CHARACTERS)
  installation_id?: string;

  /** Legacy identity, used only when `installation_id` is absent. */
  @IsOptional()
  @Transform(toOptionalString)
  @Matches(/^\d{1,18}$/, { message: 'id_shop_integration must be numeric' })
  id_shop_integration?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  @Matches(NO_CONTROL_CHARACTERS)
  access_token?: string;

  @IsOptional()
  @IsObject()
  configs?: Record<string, unknown>;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_IDENTIFIER_LENGTH)
  shop_domain?: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_IDENTIFIER_LENGTH)
  shop_name?: string;

  @IsOptional()
  @Transform(toOptionalString)
  @IsString()
  @MaxLength(MAX_IDENTIFIER_LENGTH)
  @Matches(NO_CONTROL_CHARACTERS)
  external_account_id?: string;
}

/** The identity to correlate on (spec §5): the opaque id, else the legacy numeric one. */
export function installationKeyOf(event: LifecycleEventDto): string | undefined {
  if (event.installation_id) {
    return event.installation_id;
  }
  return event.id_shop_integration ? `legacy:${event.id_shop_integration}` : undefined;
}
