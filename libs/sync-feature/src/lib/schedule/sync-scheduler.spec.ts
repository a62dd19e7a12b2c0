import { Logger } from '@nestjs/common';
import { Subjects, type PayloadOf, type Subject } from '@storebridge/contracts';
import type { MessagePublisher, PublishOptions } from '@storebridge/messaging';
import type { ClaimedSync, StoreConnectionRepository } from '@storebridge/persistence';
import type { SyncFeatureOptions } from '../sync-feature.options';
import { SCHEDULE_BATCH_SIZE, SyncScheduler } from './sync-scheduler';

const NOW = new Date('2026-11-23T12:00:00.000Z');

function aClaim(id: string, overrides: Partial<ClaimedSync> = {}): ClaimedSync {
  return {
    id,
    syncIntervalMinutes: 1440,
    dueAt: new Date('2026-11-23T11:59:00.000Z'),
    nextSyncAt: new Date('2026-11-24T12:00:00.000Z'),
    ...overrides,
  };
}

/** Hands out the queued batches in order, then nothing; a queued Error is thrown instead. */
class FakeScheduleStore implements Pick<StoreConnectionRepository, 'claimDueSyncs' | 'releaseSyncClaim'> {
  readonly claims: Array<{ now: Date; limit: number }> = [];
  readonly released: ClaimedSync[] = [];
  readonly batches: Array<ClaimedSync[] | Error | Promise<ClaimedSync[]>> = [];

  async claimDueSyncs(now: Date, limit: number): Promise<ClaimedSync[]> {
    this.claims.push({ now, limit });
    const next = this.batches.shift() ?? [];
    if (next instanceof Error) {
      throw next;
    }
    return next;
  }

  async releaseSyncClaim(claim: ClaimedSync): Promise<boolean> {
    this.released.push(claim);
    return true;
  }
}

interface Published {
  subject: Subject;
  payload: unknown;
  options?: PublishOptions;
}

class FakePublisher implements MessagePublisher {
  readonly published: Published[] = [];
  readonly failFor = new Set<string>();

  async publish<S extends Subject>(
    subject: S,
    payload: PayloadOf<S>,
    options?: PublishOptions,
  ): Promise<void> {
    if ('connectionId' in payload && this.failFor.has(payload.connectionId)) {
      throw new Error('bus down');
    }
    this.published.push({ subject, payload, options });
  }
}

describe('SyncScheduler', () => {
  let store: FakeScheduleStore;
  let publisher: FakePublisher;
  let scheduler: SyncScheduler;

  function aScheduler(options: Partial<SyncFeatureOptions> = {}): SyncScheduler {
    return new SyncScheduler(
      store,
      publisher,
      { allowPrivateStoreUrls: false, scheduleTickMs: 1_000, ...options },
      () => NOW,
    );
  }

  beforeEach(() => {
    store = new FakeScheduleStore();
    publisher = new FakePublisher();
    scheduler = aScheduler();
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    await scheduler.onModuleDestroy();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('claims what is due at the clock time and requests one sync per claimed connection', async () => {
    store.batches.push([aClaim('c1'), aClaim('c2', { dueAt: new Date('2026-11-23T11:00:00.000Z') })]);

    await scheduler.tick();

    expect(store.claims).toEqual([{ now: NOW, limit: SCHEDULE_BATCH_SIZE }]);
    expect(publisher.published).toEqual([
      {
        subject: Subjects.syncRequested,
        payload: { connectionId: 'c1', trigger: 'schedule' },
        options: { messageId: 'schedule:c1:2026-11-23T11:59:00.000Z' },
      },
      {
        subject: Subjects.syncRequested,
        payload: { connectionId: 'c2', trigger: 'schedule' },
        options: { messageId: 'schedule:c2:2026-11-23T11:00:00.000Z' },
      },
    ]);
  });

  it('ticks on its interval once the application has started', async () => {
    jest.useFakeTimers();
    scheduler.onApplicationBootstrap();
    store.batches.push([], [aClaim('c1')]);

    await jest.advanceTimersByTimeAsync(999);
    expect(store.claims).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(2_000);

    expect(store.claims).toHaveLength(2);
    expect(publisher.published.map((message) => message.payload)).toEqual([
      { connectionId: 'c1', trigger: 'schedule' },
    ]);
  });

  it('skips a tick while the previous one is still running', async () => {
    let finish!: (claims: ClaimedSync[]) => void;
    store.batches.push(
      new Promise<ClaimedSync[]>((resolve) => {
        finish = resolve;
      }),
    );

    const first = scheduler.tick();
    const second = scheduler.tick();
    finish([aClaim('c1')]);
    await Promise.all([first, second]);

    expect(store.claims).toHaveLength(1);
    expect(publisher.published).toHaveLength(1);
    await scheduler.tick();
    expect(store.claims).toHaveLength(2);
  });

  it('logs a failed tick and keeps ticking', async () => {
    jest.useFakeTimers();
    scheduler.onApplicationBootstrap();
    store.batches.push(new Error('database down'), [aClaim('c1')]);

    await jest.advanceTimersByTimeAsync(2_000);

    expect(store.claims).toHaveLength(2);
    expect(publisher.published).toHaveLength(1);
    expect(Logger.prototype.error).toHaveBeenCalledWith(expect.stringContaining('database down'));
  });

  it('gives the slot of an unpublished request back and still requests the others', async () => {
    publisher.failFor.add('c1');
    store.batches.push([aClaim('c1'), aClaim('c2')]);

    await scheduler.tick();

    expect(store.released.map((claim) => claim.id)).toEqual(['c1']);
    expect(publisher.published.map((message) => message.payload)).toEqual([
      { connectionId: 'c2', trigger: 'schedule' },
    ]);
  });

  it('stops ticking once the module is destroyed, after the running tick has published', async () => {
    jest.useFakeTimers();
    scheduler.onApplicationBootstrap();
    let finish!: (claims: ClaimedSync[]) => void;
    store.batches.push(
      new Promise<ClaimedSync[]>((resolve) => {
        finish = resolve;
      }),
    );
    await jest.advanceTimersByTimeAsync(1_000);

    const destroyed = scheduler.onModuleDestroy();
    finish([aClaim('c1')]);
    await destroyed;
    await jest.advanceTimersByTimeAsync(10_000);

    expect(store.claims).toHaveLength(1);
    expect(publisher.published).toHaveLength(1);
    await scheduler.tick();
    expect(store.claims).toHaveLength(1);
  });

  it('never ticks when disabled with 0', async () => {
    jest.useFakeTimers();
    scheduler = aScheduler({ scheduleTickMs: 0 });
    scheduler.onApplicationBootstrap();

    await jest.advanceTimersByTimeAsync(3_600_000);

    expect(store.claims).toHaveLength(0);
  });
});
