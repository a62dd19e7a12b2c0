import { Logger } from '@nestjs/common';
import { Subjects } from '@storebridge/contracts';
import { aSyncRun, FakeSyncRuns } from '../../test/fakes';
import { SyncRequestParkedListener } from './sync-request-parked.listener';

const connectionId = '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f';
const otherConnectionId = '0b8f6c2e-55a4-4c1e-8d7e-3f2a1b0c9d8e';
const failure = {
  name: 'QueryFailedError',
  code: '22P05',
  message: 'unsupported Unicode escape sequence',
  attempts: 5,
};

describe('SyncRequestParkedListener', () => {
  let syncRuns: FakeSyncRuns;
  let listener: SyncRequestParkedListener;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    syncRuns = new FakeSyncRuns();
    listener = new SyncRequestParkedListener(syncRuns);
  });

  afterEach(() => jest.restoreAllMocks());

  it('listens to the sync requests', () => {
    expect(listener.subject).toBe(Subjects.syncRequested);
  });

  it("fails the connection's running runs with an error naming the failure", async () => {
    const products = syncRuns.seed(aSyncRun({ connectionId, entity: 'products' }));
    const orders = syncRuns.seed(aSyncRun({ connectionId, entity: 'orders' }));

    await listener.onParked({ connectionId, trigger: 'manual' }, failure);

    for (const run of [products, orders]) {
      expect(syncRuns.runs.get(run.id)).toMatchObject({
        status: 'failed',
        error:
          'the crawl failed 5 times the same way and was stopped: QueryFailedError 22P05: unsupported Unicode escape sequence',
      });
    }
  });

  it('leaves finished runs and other connections alone', async () => {
    const finished = syncRuns.seed(aSyncRun({ connectionId, status: 'succeeded', finishedAt: new Date() }));
    const other = syncRuns.seed(aSyncRun({ connectionId: otherConnectionId }));

    await listener.onParked({ connectionId, trigger: 'manual' }, failure);

    expect(syncRuns.runs.get(finished.id)?.status).toBe('succeeded');
    expect(syncRuns.runs.get(other.id)?.status).toBe('running');
  });

  it('does nothing for a payload that is not a sync request', async () => {
    const run = syncRuns.seed(aSyncRun({ connectionId }));

    await listener.onParked({ connectionId: 'not-a-uuid' }, failure);
    await listener.onParked('text', failure);

    expect(syncRuns.runs.get(run.id)?.status).toBe('running');
  });
});
