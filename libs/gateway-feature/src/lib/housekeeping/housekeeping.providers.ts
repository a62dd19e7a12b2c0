import type { Provider } from '@nestjs/common';
import {
  DEFAULT_HOUSEKEEPING_OPTIONS,
  HOUSEKEEPING_OPTIONS,
  type HousekeepingOptions,
} from './housekeeping.options';
import { HousekeepingService } from './housekeeping.service';

/** The feature's options plus, optionally, the housekeeping schedule (absent → the default). */
export type WithHousekeeping<T> = T & { housekeeping?: HousekeepingOptions };

/** Needs AcceptedSignatureRepository, OAuthAuthorizationRepository and GATEWAY_FEATURE_OPTIONS. */
export function housekeepingProviders(
  options: HousekeepingOptions = DEFAULT_HOUSEKEEPING_OPTIONS,
): Provider[] {
  return [{ provide: HOUSEKEEPING_OPTIONS, useValue: options }, HousekeepingService];
}
