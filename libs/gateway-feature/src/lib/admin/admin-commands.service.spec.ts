import { Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { Subjects } from '@storebridge/contracts';
import { RecordingPublisher } from '@storebridge/messaging';
import type { StoreConnectionEntity } from '@storebridge/persistence';
import { AdminCommandsService } from './admin-commands.service';
import type { ConnectionReportService } from './connection-report.service';

const connectionId = '22222222-2222-4222-8222-222222222222';

class FakeReports implements Pick<ConnectionReportService, 'findConnection'> {
  async findConnection(id: string): Promise<StoreConnectionEntity> {
    if (id !== connectionId) {
      throw new NotFoundException('Unknown store connection');
    }
    return { id } as StoreConnectionEntity;
  }
}

describe('AdminCommandsService', () => {
  let publisher: RecordingPublisher;
  let commands: AdminCommandsService;

  beforeEach(() => {
    publisher = new RecordingPublisher();
    commands = new AdminCommandsService(publisher, new FakeReports() as unknown as ConnectionReportService);
  });

  it('asks sync for a manual crawl, each request a message of its own', async () => {
    await commands.requestSync(connectionId);
    await commands.requestSync(connectionId);

    expect(publisher.published.map(({ subject, payload }) => [subject, payload])).toEqual([
      [Subjects.syncRequested, { connectionId, trigger: 'manual' }],
      [Subjects.syncRequested, { connectionId, trigger: 'manual' }],
    ]);
    const [first, second] = publisher.published.map((message) => message.options?.messageId);
    expect(first).toMatch(new RegExp(`^manual:${connectionId}:`));
    expect(first).not.toBe(second);
  });

  it('asks push to replay the dead letters of the filter, leaving out what is not set', async () => {
    await commands.requestDeadLetterReplay({ connectionId, entity: 'orders', limit: 10 });
    await commands.requestDeadLetterReplay({});

    expect(publisher.published.map(({ subject, payload }) => [subject, payload])).toEqual([
      [Subjects.deadLettersReplayRequested, { filter: { connectionId, entity: 'orders', limit: 10 } }],
      [Subjects.deadLettersReplayRequested, { filter: {} }],
    ]);
  });

  it('publishes nothing for an unknown connection (404)', async () => {
    const unknown = '99999999-9999-4999-8999-999999999999';

    await expect(commands.requestSync(unknown)).rejects.toThrow(NotFoundException);
    await expect(commands.requestDeadLetterReplay({ connectionId: unknown })).rejects.toThrow(
      NotFoundException,
    );
    expect(publisher.published).toEqual([]);
  });

  it('answers 503 when the bus does not take the message', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    publisher.failing = true;

    await expect(commands.requestSync(connectionId)).rejects.toThrow(ServiceUnavailableException);
    expect(logged).toHaveBeenCalledWith('Could not publish an admin request: bus unavailable');
    logged.mockRestore();
  });
});
