import { randomUUID } from 'node:crypto';
import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { Subjects, type DeadLetterReplayFilter } from '@storebridge/contracts';
import { MessagePublisher } from '@storebridge/messaging';
import { loggableErrorText } from '@storebridge/security';
import { ConnectionReportService } from './connection-report.service';

/**
 * What an operator asks the other services to do. The gateway writes none of their tables: it publishes a
 * message, and sync (a crawl) or push (a dead-letter replay) does the work.
 */
@Injectable()
export class AdminCommandsService {
  private readonly logger = new Logger(AdminCommandsService.name);

  constructor(
    private readonly publisher: MessagePublisher,
    private readonly reports: ConnectionReportService,
  ) {}

  /**
   * A crawl of the connection now. A fresh message id each time: a second request is a second crawl, which is
   * harmless (one crawl per connection at a time, runs resume). Throws NotFoundException for an unknown connection.
   */
  async requestSync(connectionId: string): Promise<void> {
    await this.reports.findConnection(connectionId);
    await this.send(() =>
      this.publisher.publish(
        Subjects.syncRequested,
        { connectionId, trigger: 'manual' },
        { messageId: `manual:${connectionId}:${randomUUID()}` },
      ),
    );
  }

  /** Push sends the dead letters of the filter again; the ledger records ShopiMind's new answers. */
  async requestDeadLetterReplay(filter: DeadLetterReplayFilter): Promise<void> {
    if (filter.connectionId !== undefined) {
      await this.reports.findConnection(filter.connectionId);
    }
    await this.send(() =>
      this.publisher.publish(
        Subjects.deadLettersReplayRequested,
        {
          filter: {
            ...(filter.connectionId !== undefined ? { connectionId: filter.connectionId } : {}),
            ...(filter.entity !== undefined ? { entity: filter.entity } : {}),
            ...(filter.limit !== undefined ? { limit: filter.limit } : {}),
          },
        },
        { messageId: `dead-letters-replay:${randomUUID()}` },
      ),
    );
  }

  /** A bus that gives no ack is a 503: nothing was requested, the operator may retry. */
  private async send(publish: () => Promise<void>): Promise<void> {
    try {
      await publish();
    } catch (error) {
      this.logger.error(`Could not publish an admin request: ${loggableErrorText(error)}`);
      throw new ServiceUnavailableException('The message bus did not take the request; retry later');
    }
  }
}
