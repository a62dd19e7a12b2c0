import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { AcceptedSignatureRepository, OAuthAuthorizationRepository } from '@storebridge/gateway-persistence';
import { PeriodicJob } from '@storebridge/runtime';
import {
  GATEWAY_FEATURE_OPTIONS,
  SIGNATURE_MAX_FUTURE_SECONDS,
  type GatewayFeatureOptions,
} from '../gateway-feature.options';
import {
  HOUSEKEEPING_FIRST_RUN_DELAY_MS,
  HOUSEKEEPING_OPTIONS,
  type HousekeepingOptions,
} from './housekeeping.options';
import { loggableErrorText } from '@storebridge/security';

type SignaturePurge = Pick<AcceptedSignatureRepository, 'purgeExpired'>;
type AuthorizationPurge = Pick<OAuthAuthorizationRepository, 'purgeExpired'>;

/**
 * Deletes the gateway's rows that can no longer serve: accepted signatures past their replay window
 * (`expires_at`, set by the signature strategy) and expired Type B authorizations. Runs shortly after start,
 * then every `intervalMs`.
 *
 * Every replica runs it, uncoordinated on purpose: each run is a DELETE of rows already expired, so two
 * replicas purging together delete each row once and the other one finds nothing; no lock is needed.
 */
@Injectable()
export class HousekeepingService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(HousekeepingService.name);
  private readonly job: PeriodicJob;

  constructor(
    @Inject(AcceptedSignatureRepository) private readonly signatures: SignaturePurge,
    @Inject(OAuthAuthorizationRepository) private readonly authorizations: AuthorizationPurge,
    @Inject(GATEWAY_FEATURE_OPTIONS) private readonly options: GatewayFeatureOptions,
    @Inject(HOUSEKEEPING_OPTIONS) housekeeping: HousekeepingOptions,
  ) {
    const { intervalMs } = housekeeping;
    this.job = new PeriodicJob(() => this.purge(), {
      name: 'Housekeeping',
      intervalMs,
      firstRunAfterMs: Math.min(HOUSEKEEPING_FIRST_RUN_DELAY_MS, intervalMs),
      logger: this.logger,
    });
  }

  onApplicationBootstrap(): void {
    if (!this.job.start()) {
      this.logger.log('Housekeeping disabled (HOUSEKEEPING_INTERVAL_MS=0)');
    }
  }

  /** Lets an in-flight DELETE finish before the database connection closes. */
  onModuleDestroy(): Promise<void> {
    return this.job.stop();
  }

  /**
   * One pass over both tables; a failure is logged and left to the next run. A run asked for while one is
   * still going is skipped (the running one is returned), so a slow database never piles runs up.
   */
  run(): Promise<void> {
    return this.job.run();
  }

  private async purge(): Promise<void> {
    const nowMs = Date.now();
    await this.attempt('accepted signatures', () => this.signatures.purgeExpired(new Date(nowMs)));
    await this.attempt('OAuth authorizations', () =>
      this.authorizations.purgeExpired(new Date(nowMs - this.authorizationGraceMs())),
    );
  }

  /**
   * An expired authorization still refuses its `state` (single-use) to a reload of the signed authorize link,
   * which stays fresh for the signature window: keep the row that much longer, so deleting it never lets the
   * same link open a second authorization (it matters once SIGNATURE_TOLERANCE_SECONDS nears the 15-minute TTL).
   */
  private authorizationGraceMs(): number {
    return (this.options.signatureMaxAgeSeconds + SIGNATURE_MAX_FUTURE_SECONDS) * 1000;
  }

  private async attempt(rows: string, purge: () => Promise<number>): Promise<void> {
    try {
      const deleted = await purge();
      if (deleted > 0) {
        this.logger.log(`Purged ${deleted} expired ${rows}`);
      }
    } catch (error) {
      this.logger.warn(
        `Could not purge expired ${rows}, will retry at the next run: ${loggableErrorText(error)}`,
      );
    }
  }
}
