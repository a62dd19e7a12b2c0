import { ProductsChangedEvent, STREAM_NAME, Subjects, SyncRequestedEvent } from '@storebridge/contracts';
import { NormalizedProduct } from '@storebridge/contracts';
import { expectEventually, RunningNatsServer, startNatsServer } from '@storebridge/testing';
import {
  AckPolicy,
  connect,
  DeliverPolicy,
  JetStreamManager,
  NatsConnection,
  nanos,
  RetentionPolicy,
  StorageType,
} from 'nats';
import { createMessagingTestApp, MessagingTestApp } from '../test-fixtures/messaging-test.app';
import { durableName } from './consumer-naming';
import { RetryLaterError } from './messaging.errors';
import { MessagingModuleOptions } from './messaging.options';

const connectionId = '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f';
const syncRunId = 'c3d2e1f0-1111-4222-8333-444455556666';
const product = {
  id: 'prod_1',
  name: 'Lamp',
  categories: ['lights'],
  tags: [],
  images: [],
  url: 'https://shop.test/p/1',
};

describe('JetStream messaging', () => {
  let nats: RunningNatsServer;
  let observer: NatsConnection;
  let jsm: JetStreamManager;
  const openApps: MessagingTestApp[] = [];
  let testNumber = 0;
  let serviceName: string;

  beforeAll(async () => {
    nats = await startNatsServer();
    observer = await connect({ servers: nats.url });
    jsm = await observer.jetstreamManager();
  });

  afterAll(async () => {
    await observer?.close();
    await nats?.stop();
  });

  beforeEach(() => {
    testNumber += 1;
    serviceName = `it${testNumber}`;
  });

  afterEach(async () => {
    await Promise.all(openApps.splice(0).map(({ app }) => app.close()));
    // Limits retention keeps every message: a fresh stream per test keeps tests independent.
    await jsm.streams.delete(STREAM_NAME).catch(() => undefined);
  });

  async function start(
    options: Partial<MessagingModuleOptions> = {},
    consume = true,
  ): Promise<MessagingTestApp> {
    const harness = await createMessagingTestApp(
      { serviceName, natsUrl: nats.url, retryBackoff: { initialMs: 50, maxMs: 200 }, ...options },
      { consume },
    );
    openApps.push(harness);
    return harness;
  }

  function consumerInfo(subject: string) {
    return jsm.consumers.info(STREAM_NAME, durableName(serviceName, subject));
  }

  /** The durable has settled every message up to `sequence` (acked or terminated) and holds none pending. */
  async function expectSettled(subject: string, sequence: number): Promise<void> {
    await expectEventually(async () => {
      const info = await consumerInfo(subject);
      expect(info.ack_floor.stream_seq).toBe(sequence);
      expect(info.num_ack_pending).toBe(0);
      expect(info.num_pending).toBe(0);
    });
  }

  it('creates the stream and a durable per handler with the documented configuration', async () => {
    await start({ ackWaitMs: 30_000 });

    const stream = await jsm.streams.info(STREAM_NAME);
    expect(stream.config).toMatchObject({
      subjects: ['storebridge.>'],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: nanos(7 * 24 * 3_600_000),
      duplicate_window: nanos(120_000),
    });
    const consumer = await consumerInfo(Subjects.productsChanged);
    expect(consumer.config).toMatchObject({
      durable_name: `${serviceName}_storebridge_sync_products_changed_v1`,
      filter_subject: Subjects.productsChanged,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      max_deliver: -1,
      ack_wait: nanos(30_000),
    });
    expect(await consumerInfo(Subjects.syncRequested)).toBeDefined();
  });

  it('restarts idempotently: a second replica reuses the stream and the durables', async () => {
    await start();
    await start();

    expect((await jsm.consumers.list(STREAM_NAME).next()).map((c) => c.name).sort()).toEqual([
      durableName(serviceName, Subjects.productsChanged),
      durableName(serviceName, Subjects.syncRequested),
    ]);
  });

  it('delivers a published message to its handler as a validated contract instance', async () => {
    const { publisher, script } = await start();

    await publisher.publish(Subjects.productsChanged, {
      connectionId,
      syncRunId,
      page: 1,
      products: [product],
      deletedIds: ['prod_0'],
    });

    await expectEventually(() => expect(script.completed).toHaveLength(1));
    const event = script.completed[0].event as ProductsChangedEvent;
    expect(event).toBeInstanceOf(ProductsChangedEvent);
    expect(event.products[0]).toBeInstanceOf(NormalizedProduct);
    expect(event).toEqual({ connectionId, syncRunId, page: 1, products: [product], deletedIds: ['prod_0'] });
    await expectSettled(Subjects.productsChanged, 1);
  });

  it('delivers messages published before the consumer existed', async () => {
    const { publisher, script, startConsuming } = await start({}, false);

    await publisher.publish(Subjects.syncRequested, { connectionId, trigger: 'activate' });
    await startConsuming();

    await expectEventually(() => expect(script.completed).toHaveLength(1));
  });

  it('stores a message id once within the duplicate window', async () => {
    const { publisher, script } = await start();

    await publisher.publish(
      Subjects.syncRequested,
      { connectionId, trigger: 'activate' },
      { messageId: 'a:1' },
    );
    await publisher.publish(
      Subjects.syncRequested,
      { connectionId, trigger: 'manual' },
      { messageId: 'a:1' },
    );

    expect((await jsm.streams.info(STREAM_NAME)).state.messages).toBe(1);
    await expectSettled(Subjects.syncRequested, 1);
    expect(script.completed.map((d) => (d.event as SyncRequestedEvent).trigger)).toEqual(['activate']);
  });

  it('redelivers a message whose handler failed until the handler succeeds', async () => {
    const { publisher, script, logs } = await start();
    script.behaviour = ({ attempt }) => {
      if (attempt < 3) {
        throw new Error('ShopiMind unavailable');
      }
    };

    await publisher.publish(Subjects.syncRequested, { connectionId, trigger: 'schedule' });

    await expectEventually(() => expect(script.completed).toHaveLength(1));
    expect(script.deliveries.map((d) => d.attempt)).toEqual([1, 2, 3]);
    expect(script.deliveries[2].at - script.deliveries[1].at).toBeGreaterThanOrEqual(90);
    expect(logs.at('warn')).toEqual([
      expect.stringContaining('attempt 1), redelivering in 50 ms: ShopiMind unavailable'),
      expect.stringContaining('attempt 2), redelivering in 100 ms: ShopiMind unavailable'),
    ]);
    await expectSettled(Subjects.syncRequested, 1);
  });

  it('redelivers after the delay asked for with RetryLaterError', async () => {
    const { publisher, script, logs } = await start();
    script.behaviour = ({ attempt }) => {
      if (attempt === 1) {
        throw new RetryLaterError(400, '429 from ShopiMind');
      }
    };

    await publisher.publish(Subjects.syncRequested, { connectionId, trigger: 'schedule' });

    await expectEventually(() => expect(script.completed).toHaveLength(1));
    expect(script.deliveries[1].at - script.deliveries[0].at).toBeGreaterThanOrEqual(390);
    expect(logs.at('error')).toEqual([]);
    expect(logs.at('warn')).toEqual([]);
  });

  it('terminates an invalid payload instead of redelivering it', async () => {
    const { publisher, script, logs } = await start();

    await publisher.publish(Subjects.syncRequested, { connectionId, trigger: 'whenever' as 'manual' });

    await expectSettled(Subjects.syncRequested, 1);
    const info = await consumerInfo(Subjects.syncRequested);
    expect(info.num_redelivered).toBe(0);
    expect(script.deliveries).toEqual([]);
    expect(logs.at('error')).toEqual([
      expect.stringMatching(
        /Dropped invalid message on storebridge\.sync\.requested\.v1 \(sequence 1, attempt 1\): trigger must be one of/,
      ),
    ]);
  });

  it('terminates a message that is not JSON', async () => {
    const { logs } = await start();

    await observer.jetstream().publish(Subjects.syncRequested, new TextEncoder().encode('{not json'));

    await expectSettled(Subjects.syncRequested, 1);
    expect(logs.at('error')).toEqual([expect.stringContaining('sequence 1): payload is not JSON')]);
  });

  it('keeps a handler that outlives the ack wait from being redelivered', async () => {
    const { publisher, script } = await start({ ackWaitMs: 600 });
    let release: () => void = () => undefined;
    script.behaviour = () => new Promise<void>((resolve) => (release = resolve));

    await publisher.publish(Subjects.syncRequested, { connectionId, trigger: 'activate' });
    await expectEventually(() => expect(script.running).toBe(1));
    // Three ack waits without a heartbeat would have redelivered it (to the free slot of another replica).
    const startedAt = Date.now();
    await expectEventually(() => expect(Date.now() - startedAt).toBeGreaterThan(1_800), {
      timeoutMs: 5_000,
      intervalMs: 100,
    });
    release();

    await expectSettled(Subjects.syncRequested, 1);
    expect(script.deliveries).toHaveLength(1);
    expect((await consumerInfo(Subjects.syncRequested)).num_redelivered).toBe(0);
  });

  it('lets in-flight handlers finish and ack on shutdown, leaving the rest for the next replica', async () => {
    // A message whose pull was answered as the replica unsubscribed comes back after one ack wait.
    const first = await start({ ackWaitMs: 1_000 });
    let release: () => void = () => undefined;
    first.script.behaviour = () => new Promise<void>((resolve) => (release = resolve));
    await first.publisher.publish(Subjects.syncRequested, { connectionId, trigger: 'activate' });
    await first.publisher.publish(Subjects.syncRequested, { connectionId, trigger: 'manual' });
    await expectEventually(() => expect(first.script.running).toBe(1));

    openApps.splice(openApps.indexOf(first), 1);
    const closing = first.app.close();
    release();
    await closing;

    expect(first.script.completed.map((d) => (d.event as SyncRequestedEvent).trigger)).toEqual(['activate']);
    const second = await start({ ackWaitMs: 1_000 });
    await expectEventually(() => expect(second.script.completed).toHaveLength(1));
    expect((second.script.completed[0].event as SyncRequestedEvent).trigger).toBe('manual');
    await expectSettled(Subjects.syncRequested, 2);
  });

  it('hands a message published after a replica shut down to the next replica without waiting for the ack wait', async () => {
    const first = await start();
    openApps.splice(openApps.indexOf(first), 1);
    await first.app.close();

    await observer
      .jetstream()
      .publish(
        Subjects.syncRequested,
        new TextEncoder().encode(JSON.stringify({ connectionId, trigger: 'manual' })),
      );
    const second = await start();

    // The ack wait is 30 s: a pull left behind by the first replica must not have swallowed the message.
    await expectEventually(() => expect(second.script.completed).toHaveLength(1), { timeoutMs: 5_000 });
  });
});
