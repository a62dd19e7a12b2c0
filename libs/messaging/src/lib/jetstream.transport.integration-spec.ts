import {
  NormalizedProduct,
  partitionedSubject,
  ProductsChangedEvent,
  STREAM_NAME,
  Subjects,
  SyncRequestedEvent,
} from '@storebridge/contracts';
import { expectEventually } from '@storebridge/testing';
import { AckPolicy, DeliverPolicy, nanos, RetentionPolicy, StorageType } from 'nats';
import { useJetStreamTestBus } from '../test-fixtures/jetstream-test-bus';
import { createMessagingTestApp, MessagingTestApp } from '../test-fixtures/messaging-test.app';
import { RecordedDelivery } from '../test-fixtures/recording.controller';
import { durableName } from './consumer-naming';
import { MessagePublisher } from './message-publisher';
import { RetryLaterError } from './messaging.errors';
import { MessagingModuleOptions } from './messaging.options';

const connectionId = '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f';
const syncRunId = 'c3d2e1f0-1111-4222-8333-444455556666';
const bigShop = 'b1b1b1b1-0000-4000-8000-000000000001';
const smallShop = 'c2c2c2c2-0000-4000-8000-000000000002';
const product = {
  id: 'prod_1',
  name: 'Lamp',
  categories: ['lights'],
  tags: [],
  images: [],
  url: 'https://shop.test/p/1',
};

describe('JetStream messaging', () => {
  const bus = useJetStreamTestBus('it');

  async function start(
    options: Partial<MessagingModuleOptions> = {},
    consume = true,
  ): Promise<MessagingTestApp> {
    const harness = await createMessagingTestApp(
      {
        serviceName: bus.serviceName,
        natsUrl: bus.natsUrl,
        retryBackoff: { initialMs: 50, maxMs: 200 },
        ...options,
      },
      { consume },
    );
    bus.openApps.push(harness);
    return harness;
  }

  function consumerInfo(subject: string) {
    return bus.jsm.consumers.info(STREAM_NAME, durableName(bus.serviceName, subject));
  }

  function productsPage(shop: string, page: number): ProductsChangedEvent {
    return { connectionId: shop, syncRunId, page, products: [], deletedIds: [] };
  }

  async function publishPages(publisher: MessagePublisher, shop: string, pages: number): Promise<void> {
    for (let page = 1; page <= pages; page += 1) {
      await publisher.publish(Subjects.productsChanged, productsPage(shop, page));
    }
  }

  const shopOf = ({ event }: RecordedDelivery) => event.connectionId;
  const pageOf = ({ event }: RecordedDelivery) => (event as ProductsChangedEvent).page;

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

    const stream = await bus.jsm.streams.info(STREAM_NAME);
    expect(stream.config).toMatchObject({
      subjects: ['storebridge.>'],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: nanos(7 * 24 * 3_600_000),
      duplicate_window: nanos(120_000),
    });
    const consumer = await consumerInfo(Subjects.productsChanged);
    expect(consumer.config).toMatchObject({
      durable_name: `${bus.serviceName}_storebridge_sync_products_changed_v1`,
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

    expect((await bus.jsm.consumers.list(STREAM_NAME).next()).map((c) => c.name).sort()).toEqual([
      durableName(bus.serviceName, Subjects.productsChanged),
      durableName(bus.serviceName, Subjects.syncRequested),
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
    expect(script.completed[0].subject).toBe(Subjects.productsChanged);
    await expectSettled(partitionedSubject(Subjects.productsChanged, connectionId), 1);
  });

  it('keeps a queue per connection: a partition durable configured like the others, filtering its subject', async () => {
    const { publisher } = await start({ ackWaitMs: 30_000, partitionDiscoveryMs: 100 });

    await publisher.publish(Subjects.productsChanged, productsPage(bigShop, 1));

    const partition = partitionedSubject(Subjects.productsChanged, bigShop);
    expect((await bus.jsm.streams.info(STREAM_NAME, { subjects_filter: '>' })).state.subjects).toEqual({
      [partition]: 1,
    });
    await expectSettled(partition, 1);
    expect((await consumerInfo(partition)).config).toMatchObject({
      durable_name: `${bus.serviceName}_storebridge_sync_products_changed_v1_${bigShop}`,
      filter_subject: partition,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      max_deliver: -1,
      ack_wait: nanos(30_000),
    });
  });

  it('still delivers what was published on the subject itself, before it was partitioned', async () => {
    const { script } = await start({ partitionDiscoveryMs: 100 });

    await bus.observer
      .jetstream()
      .publish(Subjects.productsChanged, new TextEncoder().encode(JSON.stringify(productsPage(bigShop, 7))));

    await expectEventually(() => expect(script.completed.map(pageOf)).toEqual([7]));
    await expectSettled(Subjects.productsChanged, 1);
  });

  it('drops the durable of a connection whose messages left the stream, and makes a new one for its next message', async () => {
    const { publisher, script } = await start({ partitionDiscoveryMs: 100 });
    const partition = partitionedSubject(Subjects.productsChanged, bigShop);
    await publisher.publish(Subjects.productsChanged, productsPage(bigShop, 1));
    await expectSettled(partition, 1);

    // What the stream's max age does after 7 days.
    await bus.jsm.streams.purge(STREAM_NAME, { filter: partition });

    await expectEventually(async () =>
      expect((await bus.jsm.consumers.list(STREAM_NAME).next()).map(({ name }) => name)).not.toContain(
        durableName(bus.serviceName, partition),
      ),
    );
    await publisher.publish(Subjects.productsChanged, productsPage(bigShop, 2));
    await expectEventually(() => expect(script.completed.map(pageOf)).toEqual([1, 2]));
  });

  it('serves the connections in turn: a small shop is not starved by a big catalogue published before it', async () => {
    const { publisher, script, startConsuming } = await start({ partitionDiscoveryMs: 100 }, false);
    // A ShopiMind write's worth of work, so the backlog lasts while the small shop waits.
    script.behaviour = () => new Promise((resolve) => setTimeout(resolve, 20));
    await publishPages(publisher, bigShop, 60);
    await publishPages(publisher, smallShop, 3);

    await startConsuming();

    await expectEventually(() => expect(script.completed).toHaveLength(63), { timeoutMs: 30_000 });
    const order = script.completed.map(shopOf);
    const smallShopDone = order.lastIndexOf(smallShop) + 1;
    expect(order.slice(0, smallShopDone).filter((shop) => shop === bigShop).length).toBeLessThan(30);
    expect(script.maxRunning).toBe(3);
  });

  it('pauses only the queue whose handler asks to retry later, probing it with few messages, then resumes it', async () => {
    const { publisher, script } = await start({ partitionDiscoveryMs: 100 });
    let installationActive = false;
    script.behaviour = (delivery) => {
      if (shopOf(delivery) === bigShop && !installationActive) {
        throw new RetryLaterError(300, 'installation inactive');
      }
    };
    await publishPages(publisher, bigShop, 20);
    await publishPages(publisher, smallShop, 3);

    await expectEventually(() =>
      expect(script.completed.filter((delivery) => shopOf(delivery) === smallShop)).toHaveLength(3),
    );
    // Several pauses in a row: each probes the queue again with the messages that paused it.
    const bigShopDeliveries = () => script.deliveries.filter((delivery) => shopOf(delivery) === bigShop);
    await expectEventually(() => expect(bigShopDeliveries().length).toBeGreaterThanOrEqual(12), {
      timeoutMs: 15_000,
    });
    // Handler concurrency 3, plus at most a pull's worth (3) waiting for a slot when the pause began; every
    // message nak'd on its own would have made 12 or more.
    expect(new Set(bigShopDeliveries().map(pageOf)).size).toBeLessThanOrEqual(6);

    installationActive = true;

    await expectEventually(
      () =>
        expect(
          script.completed
            .filter((delivery) => shopOf(delivery) === bigShop)
            .map(pageOf)
            .sort((a, b) => a - b),
        ).toEqual(Array.from({ length: 20 }, (_, index) => index + 1)),
      { timeoutMs: 15_000 },
    );
    // Its acks are all in: nothing of the queue is pending or awaiting an ack.
    await expectEventually(async () => {
      const info = await consumerInfo(partitionedSubject(Subjects.productsChanged, bigShop));
      expect([info.num_pending, info.num_ack_pending]).toEqual([0, 0]);
    });
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

    expect((await bus.jsm.streams.info(STREAM_NAME)).state.messages).toBe(1);
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

    await bus.observer.jetstream().publish(Subjects.syncRequested, new TextEncoder().encode('{not json'));

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

    bus.openApps.splice(bus.openApps.indexOf(first), 1);
    const closing = first.app.close();
    release();
    await closing;

    expect(first.script.completed.map((d) => (d.event as SyncRequestedEvent).trigger)).toEqual(['activate']);
    const second = await start({ ackWaitMs: 1_000 });
    await expectEventually(() => expect(second.script.completed).toHaveLength(1));
    expect((second.script.completed[0].event as SyncRequestedEvent).trigger).toBe('manual');
    await expectSettled(Subjects.syncRequested, 2);
  });

  it('on shutdown, finishes the running messages of a connection and hands back those waiting for a slot', async () => {
    // With a 30 s ack wait, a message not handed back would not reach the second replica in time.
    const first = await start({ ackWaitMs: 30_000, partitionDiscoveryMs: 100 }, false);
    const releases: Array<() => void> = [];
    first.script.behaviour = () => new Promise<void>((resolve) => releases.push(resolve));
    // All published before the replica consumes, so its first pull takes all five: a pull made between the fourth
    // and the fifth would leave the fifth in the stream, unpulled while the fourth waits for a slot.
    await publishPages(first.publisher, bigShop, 5);
    await first.startConsuming();
    // Three handler slots taken; the fourth and fifth pages are pulled ahead and wait for one.
    await expectEventually(async () => {
      expect(first.script.running).toBe(3);
      const info = await consumerInfo(partitionedSubject(Subjects.productsChanged, bigShop));
      expect(info.num_ack_pending).toBe(5);
    });

    bus.openApps.splice(bus.openApps.indexOf(first), 1);
    const closing = first.app.close();
    releases.forEach((release) => release());
    await closing;

    expect(first.script.completed.map(pageOf).sort()).toEqual([1, 2, 3]);
    const second = await start({ ackWaitMs: 30_000, partitionDiscoveryMs: 100 });
    await expectEventually(() => expect(second.script.completed.map(pageOf).sort()).toEqual([4, 5]), {
      timeoutMs: 5_000,
    });
    await expectSettled(partitionedSubject(Subjects.productsChanged, bigShop), 5);
  });

  it('hands a message published after a replica shut down to the next replica without waiting for the ack wait', async () => {
    const first = await start({ ackWaitMs: 30_000 });
    bus.openApps.splice(bus.openApps.indexOf(first), 1);
    await first.app.close();

    await bus.observer
      .jetstream()
      .publish(
        Subjects.syncRequested,
        new TextEncoder().encode(JSON.stringify({ connectionId, trigger: 'manual' })),
      );
    const second = await start({ ackWaitMs: 30_000 });

    // With a 30 s ack wait, a pull left behind by the first replica must not have swallowed the message.
    await expectEventually(() => expect(second.script.completed).toHaveLength(1), { timeoutMs: 5_000 });
  });
});
