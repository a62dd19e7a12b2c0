import {
  PATTERN_EXTRAS_METADATA,
  PATTERN_METADATA,
  TRANSPORT_METADATA,
} from '@nestjs/microservices/constants';
import { Subjects, type SyncRequestedEvent } from '@storebridge/contracts';
import { MESSAGING_TRANSPORT } from '@storebridge/messaging';
import type { StoreSyncService } from './store-sync.service';
import { SyncRequestedHandler } from './sync-requested.handler';

const event: SyncRequestedEvent = {
  connectionId: '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f',
  trigger: 'schedule',
};

class FakeStoreSync implements Pick<StoreSyncService, 'runFullSync'> {
  readonly requests: SyncRequestedEvent[] = [];
  outcome: Promise<void> = Promise.resolve();

  runFullSync(request: SyncRequestedEvent): Promise<void> {
    this.requests.push(request);
    return this.outcome;
  }
}

describe('SyncRequestedHandler', () => {
  let storeSync: FakeStoreSync;
  let handler: SyncRequestedHandler;

  beforeEach(() => {
    storeSync = new FakeStoreSync();
    handler = new SyncRequestedHandler(storeSync as unknown as StoreSyncService);
  });

  it('runs a full sync for the requested connection', async () => {
    await handler.handle(event);

    expect(storeSync.requests).toEqual([event]);
  });

  it('settles only when the sync does, so the message is acknowledged after the crawl', async () => {
    let finish!: () => void;
    storeSync.outcome = new Promise<void>((resolve) => {
      finish = resolve;
    });
    let settled = false;
    const handled = handler.handle(event).then(() => {
      settled = true;
    });

    await Promise.resolve();
    expect(settled).toBe(false);
    finish();
    await handled;
    expect(settled).toBe(true);
  });

  it('passes a failure of the sync on to the transport', async () => {
    storeSync.outcome = Promise.reject(new Error('database down'));

    await expect(handler.handle(event)).rejects.toThrow('database down');
  });

  it('listens to sync requests on the messaging transport, a few crawls at a time', () => {
    const method = SyncRequestedHandler.prototype.handle;

    expect(Reflect.getMetadata(PATTERN_METADATA, method)).toEqual([Subjects.syncRequested]);
    expect(Reflect.getMetadata(TRANSPORT_METADATA, method)).toBe(MESSAGING_TRANSPORT);
    expect(Reflect.getMetadata(PATTERN_EXTRAS_METADATA, method)).toEqual({ concurrency: 4 });
  });
});
