import { Inject, Injectable, Logger } from '@nestjs/common';
import { Subjects, SyncRequestedEvent } from '@storebridge/contracts';
import { ParkedFailure, ParkedMessageListener } from '@storebridge/messaging';
import { SyncRunRepository } from '@storebridge/sync-persistence';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

/**
 * A parked sync request has no worker any more: its connection's running runs are finished as failed, naming the
 * failure, so none stays `running` for ever and the next request starts a fresh crawl.
 */
@Injectable()
export class SyncRequestParkedListener extends ParkedMessageListener {
  readonly subject = Subjects.syncRequested;
  private readonly logger = new Logger(SyncRequestParkedListener.name);

  constructor(
    @Inject(SyncRunRepository)
    private readonly syncRuns: Pick<SyncRunRepository, 'findResumable' | 'finish'>,
  ) {
    super();
  }

  async onParked(payload: unknown, failure: ParkedFailure): Promise<void> {
    const request = plainToInstance(SyncRequestedEvent, payload);
    if (typeof request !== 'object' || request === null || validateSync(request).length > 0) {
      // Never the case (an invalid request is dropped before it can fail), and no connection to look at.
      return;
    }
    const code = failure.code === undefined ? '' : ` ${failure.code}`;
    const error = `the crawl failed ${failure.attempts} times the same way and was stopped: ${failure.name}${code}: ${failure.message}`;
    for (const run of await this.syncRuns.findResumable(request.connectionId)) {
      if (await this.syncRuns.finish(run.id, 'failed', error)) {
        this.logger.warn(`Sync run ${run.id} failed: ${error}`);
      }
    }
  }
}
