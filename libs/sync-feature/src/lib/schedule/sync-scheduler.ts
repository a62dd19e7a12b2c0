import { loggableErrorText } from '@storebridge/security';
import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Subjects } from '@storebridge/contracts';
import { MessagePublisher } from '@storebridge/messaging';
import { StoreConnectionRepository, type ClaimedSync } from '@storebridge/persistence';
import { PeriodicJob } from '@storebridge/runtime';
import { SYNC_FEATURE_OPTIONS, type SyncFeatureOptions } from '../sync-feature.options';

/** The time source of the scheduler; replaced in tests. */
export type Clock = () => Date;
export const SYNC_SCHEDULER_CLOCK = Symbol('SYNC_SCHEDULER_CLOCK');

export const DEFAULT_SCHEDULE_TICK_MS = 60_000;
/** Connections claimed per tick: bounds one tick's work; the rest stay due for the next tick. */
export const SCHEDULE_BATCH_SIZE = 100;

type ScheduleStore = Pick<StoreConnectionRepository, 'claimDueSyncs' | 'releaseSyncClaim'>;

/**
 * Requests each connection's periodic sync (its `syncIntervalMinutes`). The schedule lives in PostgreSQL
 * (`store_connections.next_sync_at`), so it survives restarts, and claiming is atomic, so several replicas
 * ticking together never request the same slot twice.
 */
@Injectable()
export class SyncScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SyncScheduler.name);
  private readonly job: PeriodicJob;

  constructor(
    @Inject(StoreConnectionRepository) private readonly connections: ScheduleStore,
    private readonly publisher: MessagePublisher,
    @Inject(SYNC_FEATURE_OPTIONS) options: SyncFeatureOptions,
    @Optional() @Inject(SYNC_SCHEDULER_CLOCK) private readonly clock: Clock = () => new Date(),
  ) {
    this.job = new PeriodicJob(() => this.claimAndRequest(), {
      name: 'Sync schedule',
      intervalMs: options.scheduleTickMs ?? DEFAULT_SCHEDULE_TICK_MS,
      logger: this.logger,
    });
  }

  onApplicationBootstrap(): void {
    this.job.start();
  }

  /** Claimed slots are already moved forward: lets the in-flight tick publish them before the bus closes. */
  onModuleDestroy(): Promise<void> {
    return this.job.stop();
  }

  /**
   * One pass: claims the due connections and requests their syncs. A tick asked for while one is still
   * running is skipped (the running one is returned), so a slow database never piles ticks up.
   */
  tick(): Promise<void> {
    return this.job.run();
  }

  private async claimAndRequest(): Promise<void> {
    let claimed: ClaimedSync[];
    try {
      claimed = await this.connections.claimDueSyncs(this.clock(), SCHEDULE_BATCH_SIZE);
    } catch (error) {
      this.logger.error(`Claiming due syncs failed: ${loggableErrorText(error)}`);
      return;
    }
    for (const claim of claimed) {
      try {
        await this.request(claim);
      } catch (error) {
        this.logger.error(
          `Requesting the scheduled sync of connection ${claim.id} failed: ${loggableErrorText(error)}`,
        );
        await this.release(claim);
      }
    }
  }

  /** The slot is due again, so the next tick (here or on another replica) retries it. */
  private async release(claim: ClaimedSync): Promise<void> {
    try {
      await this.connections.releaseSyncClaim(claim);
    } catch (error) {
      this.logger.error(
        `Giving back the sync slot of connection ${claim.id} failed: ${loggableErrorText(error)}`,
      );
    }
  }

  /** The id names the slot, so a republished slot (a retried publish) is dropped by JetStream. */
  private request(claim: ClaimedSync): Promise<void> {
    return this.publisher.publish(
      Subjects.syncRequested,
      { connectionId: claim.id, trigger: 'schedule' },
      { messageId: `schedule:${claim.id}:${claim.dueAt.toISOString()}` },
    );
  }
}
