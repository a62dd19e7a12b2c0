import { Transform } from 'class-transformer';
import { IsNotEmpty, IsObject, IsOptional, IsString, Matches } from 'class-validator';
import { LIFECYCLE_EVENTS, type LifecycleEventName } from '@storebridge/shopimind';

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

/** The common shape of every lifecycle webhook; unknown extra fields are ignored, never rejected. */
export class LifecycleEventDto {
  @IsString()
  @IsNotEmpty()
  event!: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  installation_id?: string;

  /** Legacy identity, used only when `installation_id` is absent. */
  @IsOptional()
  @Transform(toOptionalString)
  @Matches(/^\d+$/, { message: 'id_shop_integration must be numeric' })
  id_shop_integration?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  access_token?: string;

  @IsOptional()
  @IsObject()
  configs?: Record<string, unknown>;

  @IsOptional()
  @IsString()
  shop_domain?: string;

  @IsOptional()
  @IsString()
  shop_name?: string;

  @IsOptional()
  @Transform(toOptionalString)
  @IsString()
  external_account_id?: string;
}

/** The identity to correlate on (spec §5): the opaque id, else the legacy numeric one. */
export function installationKeyOf(event: LifecycleEventDto): string | undefined {
  if (event.installation_id) {
    return event.installation_id;
  }
  return event.id_shop_integration ? `legacy:${event.id_shop_integration}` : undefined;
}
