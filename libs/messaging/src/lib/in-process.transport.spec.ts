import { Subjects, SyncRequestedEvent } from '@storebridge/contracts';
import { expectEventually } from '@storebridge/testing';
import { createMessagingTestApp, MessagingTestApp } from '../test-fixtures/messaging-test.app';
import { RecordedDelivery } from '../test-fixtures/recording.controller';
import { InProcessBroker } from './in-process.broker';
import { RetryLaterError } from './messaging.errors';
import { MessagingTransport } from './messaging.transport';
import { RecordingParkedMessageListener, RecordingParkedMessageStore } from './parked-messages.fake';

const connectionId = '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f';
const otherConnectionId = '0b8f6c2e-55a4-4c1e-8d7e-3f2a1b0c9d8e';
const syncRunId = 'c3d2e1f0-1111-4222-8333-444455556666';
const backoff = { initialMs: 20, maxMs: 40 };

function pageOf({ event }: RecordedDelivery): number | undefined {
  return 'page' in event ? event.page : undefined;
}

function products(page: number) {
  return { connectionId, syncRunId, page, products: [], deletedIds: [] };
}

describe('in-process messaging', () => {
  let openApp: MessagingTestApp['app'] | undefined;

  afterEach(async () => {
    await openApp?.close();
    openApp = undefined;
  });

  async function start(
    options: Parameters<typeof createMessagingTestApp>[1] = {},
  ): Promise<MessagingTestApp> {
    const harness = await createMessagingTestApp({ serviceName: 'unit', retryBackoff: backoff }, options);
    openApp = harness.app;
    return harness;
  }

  it('delivers a typed payload to the handler of its subject only', async () => {
    const { publisher, script } = await start();

    await publisher.publish(Subjects.syncRequested, { connectionId, trigger: 'manual' });

    await expectEventually(() => expect(script.completed).toHaveLength(1));
    const [delivery] = script.completed;
    expect(delivery.subject).toBe(Subjects.syncRequested);
    expect(delivery.event).toBeInstanceOf(SyncRequestedEvent);
    expect(delivery.event).toEqual({ connectionId, trigger: 'manual' });
  });

  it('delivers after publish has returned, never inside it', async () => {
    const { publisher, script } = await start();

    const publishing = publisher.publish(Subjects.syncRequested, { connectionId, trigger: 'manual' });
    expect(script.deliveries).toHaveLength(0);
    await publishing;

    await expectEventually(() => expect(script.completed).toHaveLength(1));
  });

  it('retries a failing handler with a doubling backoff until it succeeds', async () => {
    const { publisher, script, logs } = await start();
    script.behaviour = ({ attempt }) => {
      if (attempt < 4) {
        throw new Error(`store unreachable (attempt ${attempt})`);
      }
    };

    await publisher.publish(Subjects.syncRequested, { connectionId, trigger: 'schedule' });

    await expectEventually(() => expect(script.completed).toHaveLength(1));
    expect(script.deliveries.map((d) => d.attempt)).toEqual([1, 2, 3, 4]);
    const gaps = script.deliveries.slice(1).map((d, i) => d.at - script.deliveries[i].at);
    // 20 ms, then doubled to 40 ms, then capped at 40 ms (timers may fire a millisecond early).
    expect(gaps[0]).toBeGreaterThanOrEqual(19);
    expect(gaps[1]).toBeGreaterThanOrEqual(39);
    expect(gaps[2]).toBeGreaterThanOrEqual(39);
    expect(logs.at('warn')).toEqual([
      expect.stringContaining('redelivering in 20 ms: store unreachable (attempt 1)'),
      expect.stringContaining('redelivering in 40 ms: store unreachable (attempt 2)'),
      expect.stringContaining('redelivering in 40 ms: store unreachable (attempt 3)'),
    ]);
    expect(logs.at('error')).toEqual([]);
  });

  it('redelivers after the delay a handler asks for with RetryLaterError, without logging an error', async () => {
    const { publisher, script, logs } = await start();
    script.behaviour = ({ attempt }) => {
      if (attempt === 1) {
        throw new RetryLaterError(150, 'rate limited');
      }
    };

    await publisher.publish(Subjects.syncRequested, { connectionId, trigger: 'schedule' });

    await expectEventually(() => expect(script.completed).toHaveLength(1));
    const [first, second] = script.deliveries;
    expect(second.attempt).toBe(2);
    expect(second.at - first.at).toBeGreaterThanOrEqual(149);
    expect(logs.at('error')).toEqual([]);
    expect(logs.at('warn')).toEqual([]);
  });

  it('drops an invalid payload with an error log naming the violations, and never redelivers it', async () => {
    const { app, publisher, script, logs } = await start();
    const broker = app.get(MessagingTransport).unwrap<InProcessBroker>();

    await publisher.publish(Subjects.syncRequested, { connectionId: 'not-a-uuid', trigger: 'manual' });

    await expectEventually(() => {
      expect(logs.at('error')).toHaveLength(1);
      expect(broker.pendingCount(Subjects.syncRequested)).toBe(0);
    });
    expect(logs.at('error')[0]).toContain(`Dropped invalid message on ${Subjects.syncRequested}`);
    expect(logs.at('error')[0]).toContain('connectionId must be a UUID');
    expect(logs.at('error')[0]).not.toContain('not-a-uuid');
    expect(script.deliveries).toEqual([]);
  });

  it('stores a message id once within the duplicate window', async () => {
    const { publisher, script } = await start();
    const first = { connectionId, trigger: 'activate' } as const;

    await publisher.publish(Subjects.syncRequested, first, { messageId: 'activate:1' });
    await publisher.publish(
      Subjects.syncRequested,
      { ...first, trigger: 'manual' },
      { messageId: 'activate:1' },
    );
    await publisher.publish(
      Subjects.syncRequested,
      { connectionId: otherConnectionId, trigger: 'manual' },
      { messageId: 'manual:2' },
    );

    // One handler slot and FIFO order: a duplicate would have arrived before the last message.
    await expectEventually(() => expect(script.completed).toHaveLength(2));
    expect(script.completed.map((d) => d.event)).toEqual([
      first,
      { connectionId: otherConnectionId, trigger: 'manual' },
    ]);
  });

  it('keeps messages published before any handler registered and delivers them once it does', async () => {
    const { publisher, script, startConsuming } = await start({ consume: false });

    await publisher.publish(Subjects.syncRequested, { connectionId, trigger: 'activate' });
    await publisher.publish(Subjects.productsChanged, products(1));
    await startConsuming();

    await expectEventually(() => expect(script.completed).toHaveLength(2));
    expect(script.completed.map((d) => d.subject).sort()).toEqual([
      Subjects.productsChanged,
      Subjects.syncRequested,
    ]);
  });

  it('runs up to the concurrency a handler declares with @EventPattern extras', async () => {
    const { publisher, script } = await start();
    const releases: Array<() => void> = [];
    script.behaviour = () => new Promise<void>((resolve) => releases.push(resolve));

    for (const page of [1, 2, 3, 4, 5]) {
      await publisher.publish(Subjects.productsChanged, products(page));
    }

    await expectEventually(() => expect(script.running).toBe(3));
    await expectEventually(() => {
      releases.splice(0).forEach((release) => release());
      expect(script.completed).toHaveLength(5);
    });
    expect(script.maxRunning).toBe(3);
    expect(script.completed.map(pageOf).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('lets an in-flight handler finish when the app shuts down', async () => {
    const { app, publisher, script } = await start();
    let release: () => void = () => undefined;
    script.behaviour = () => new Promise<void>((resolve) => (release = resolve));
    await publisher.publish(Subjects.syncRequested, { connectionId, trigger: 'manual' });
    await expectEventually(() => expect(script.running).toBe(1));

    let closed = false;
    const closing = app.close().then(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    release();
    await closing;

    openApp = undefined;
    expect(script.completed).toHaveLength(1);
  });

  it("keeps the same outcomes behind Nest's default RPC exception filter (MessagingExceptionFilter not registered)", async () => {
    const { publisher, script, logs } = await start({ exceptionFilter: false });
    script.behaviour = ({ attempt }) => {
      if (attempt === 1) {
        throw new RetryLaterError(30);
      }
      if (attempt === 2) {
        throw new Error('store unreachable');
      }
    };

    await publisher.publish(Subjects.syncRequested, { connectionId: 'not-a-uuid', trigger: 'manual' });
    await publisher.publish(Subjects.syncRequested, { connectionId, trigger: 'manual' });

    await expectEventually(() => expect(script.completed).toHaveLength(1));
    expect(script.deliveries.map((d) => d.attempt)).toEqual([1, 2, 3]);
    expect(logs.at('error')).toEqual([
      expect.stringContaining('connectionId must be a UUID'),
      // Nest's own log of the unexpected exception; the transport still retries it.
      expect.stringContaining('store unreachable'),
    ]);
    expect(logs.at('warn')).toEqual([
      expect.stringContaining('redelivering in 40 ms: Internal server error'),
    ]);
  });

  it('parks a message failing the same way 5 times: stored, its listener told, never delivered again', async () => {
    const store = new RecordingParkedMessageStore();
    const listener = new RecordingParkedMessageListener(Subjects.syncRequested);
    const { app, publisher, script, logs } = await start({
      parkedMessageStore: store,
      parkedMessageListeners: [listener],
    });
    const broker = app.get(MessagingTransport).unwrap<InProcessBroker>();
    script.behaviour = () => {
      throw Object.assign(new Error('unsupported Unicode escape sequence'), {
        name: 'QueryFailedError',
        code: '22P05',
      });
    };

    await publisher.publish(Subjects.syncRequested, { connectionId, trigger: 'manual' });

    await expectEventually(() => expect(broker.pendingCount(Subjects.syncRequested)).toBe(0));
    expect(script.deliveries.map((d) => d.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(store.parked).toEqual([
      expect.objectContaining({
        subject: Subjects.syncRequested,
        sequence: 1,
        payload: JSON.stringify({ connectionId, trigger: 'manual' }),
        failure: {
          name: 'QueryFailedError',
          code: '22P05',
          message: 'unsupported Unicode escape sequence',
          attempts: 5,
        },
      }),
    ]);
    expect(listener.calls).toEqual([
      { payload: { connectionId, trigger: 'manual' }, failure: store.parked[0].failure },
    ]);
    expect(logs.at('error')).toEqual([
      expect.stringContaining(
        `Parked message on ${Subjects.syncRequested} (sequence 1) after 5 identical failures`,
      ),
    ]);
  });

  it('keeps redelivering a message whose handler fails for want of the database, store or no store', async () => {
    const store = new RecordingParkedMessageStore();
    const { publisher, script } = await start({ parkedMessageStore: store });
    script.behaviour = ({ attempt }) => {
      if (attempt <= 8) {
        throw Object.assign(new Error('terminating connection due to administrator command'), {
          code: '57P01',
        });
      }
    };

    await publisher.publish(Subjects.syncRequested, { connectionId, trigger: 'manual' });

    await expectEventually(() => expect(script.completed).toHaveLength(1));
    expect(script.deliveries).toHaveLength(9);
    expect(store.parked).toEqual([]);
  });
});
