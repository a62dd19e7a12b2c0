import {
  partitionedSubject,
  ProductsChangedEvent,
  STREAM_NAME,
  Subjects,
  SyncRequestedEvent,
} from '@storebridge/contracts';
import { expectEventually, pollUntil, RunningNatsServer, startNatsServer } from '@storebridge/testing';
import { connect, JetStreamManager, NatsConnection, nanos } from 'nats';
import { createMessagingTestApp, MessagingTestApp } from '../test-fixtures/messaging-test.app';
import { RecordedDelivery } from '../test-fixtures/recording.controller';
import { durableName } from './consumer-naming';
import { durableConsumerConfig } from './jetstream.config';
import { JetStreamConnection } from './jetstream.connection';
import { DEFAULT_ACK_WAIT_MS } from './messaging.options';

/** The ack wait durables had before: a dead replica's message waited this long for another replica. */
const OLD_ACK_WAIT_MS = 30_000;
/**
 * How soon work must resume after a replica dies or the server restarts, with the default options: far below the
 * old ack wait, with room for a loaded machine.
 */
const RESUME_WITHIN_MS = 10_000;

const connectionId = '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f';
const syncRunId = 'c3d2e1f0-1111-4222-8333-444455556666';
const partition = partitionedSubject(Subjects.productsChanged, connectionId);

function page(number: number): ProductsChangedEvent {
  return { connectionId, syncRunId, page: number, products: [], deletedIds: [] };
}

const pageOf = ({ event }: RecordedDelivery) => (event as ProductsChangedEvent).page;
const triggerOf = ({ event }: RecordedDelivery) => (event as SyncRequestedEvent).trigger;

// Default messaging options throughout: what the services run with.
describe('JetStream recovery after a dead replica or a server restart', () => {
  let nats: RunningNatsServer;
  let observer: NatsConnection;
  let jsm: JetStreamManager;
  let testNumber = 0;
  const apps: MessagingTestApp[] = [];
  /** Handlers held until the test ends, so closing their app does not wait for them. */
  const holds: Array<() => void> = [];

  beforeAll(async () => {
    nats = await startNatsServer();
    observer = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    jsm = await observer.jetstreamManager();
  });

  beforeEach(() => {
    testNumber += 1;
  });

  afterEach(async () => {
    holds.splice(0).forEach((release) => release());
    await Promise.all(apps.splice(0).map(({ app }) => app.close()));
    await jsm.streams.delete(STREAM_NAME).catch(() => undefined);
  });

  afterAll(async () => {
    await observer?.close();
    await nats?.stop();
  });

  const serviceName = () => `recovery${testNumber}`;

  async function replica(): Promise<MessagingTestApp> {
    const harness = await createMessagingTestApp({ serviceName: serviceName(), natsUrl: nats.url });
    apps.push(harness);
    return harness;
  }

  function holdHandlers(harness: MessagingTestApp): void {
    harness.script.behaviour = () => new Promise<void>((resolve) => holds.push(resolve));
  }

  /** What kill -9 does to the link: the server sees the client gone, nothing acked, drained or handed back. */
  async function dropConnection(harness: MessagingTestApp): Promise<number> {
    await harness.app.get(JetStreamConnection).current()?.close();
    return Date.now();
  }

  /** Publishes as an outsider, trying again while the restarted server's JetStream is not answering yet. */
  async function publishOnceUp(subject: string, payload: object): Promise<void> {
    await pollUntil(
      () =>
        observer
          .jetstream()
          .publish(subject, JSON.stringify(payload), { timeout: 1_000 })
          .then(() => true),
      { timeoutMs: RESUME_WITHIN_MS, description: `a publish on ${subject} to be acknowledged` },
    );
  }

  it('gives a message whose replica died mid-handler to another replica within seconds', async () => {
    const victim = await replica();
    holdHandlers(victim);
    await victim.publisher.publish(Subjects.syncRequested, { connectionId, trigger: 'activate' });
    await expectEventually(() => expect(victim.script.running).toBe(1));

    const diedAt = await dropConnection(victim);
    const survivor = await replica();

    const redelivered = await pollUntil(() => survivor.script.completed[0], {
      timeoutMs: OLD_ACK_WAIT_MS,
      description: 'the survivor to get the message',
    });
    expect(triggerOf(redelivered)).toBe('activate');
    expect(redelivered.attempt).toBe(2);
    expect(redelivered.at - diedAt).toBeLessThan(RESUME_WITHIN_MS);
  });

  it("gives the messages of a dead replica's connection queue to another replica within seconds", async () => {
    const victim = await replica();
    holdHandlers(victim);
    for (let number = 1; number <= 5; number += 1) {
      await victim.publisher.publish(Subjects.productsChanged, page(number));
    }
    // Three handler slots taken, the other two pulled and waiting for one.
    await expectEventually(() => expect(victim.script.running).toBe(3), { timeoutMs: 5_000 });

    const diedAt = await dropConnection(victim);
    const survivor = await replica();

    await expectEventually(
      () => expect(survivor.script.completed.map(pageOf).sort()).toEqual([1, 2, 3, 4, 5]),
      {
        timeoutMs: OLD_ACK_WAIT_MS,
      },
    );
    const lastAt = Math.max(...survivor.script.completed.map(({ at }) => at));
    expect(lastAt - diedAt).toBeLessThan(RESUME_WITHIN_MS);
  });

  it('resumes within seconds of a server restart, and a handler running through it keeps its message', async () => {
    const harness = await replica();
    let releaseFirstPage: () => void = () => undefined;
    harness.script.behaviour = (delivery) =>
      delivery.subject === Subjects.productsChanged && pageOf(delivery) === 1
        ? new Promise<void>((resolve) => (releaseFirstPage = resolve))
        : undefined;
    await harness.publisher.publish(Subjects.syncRequested, { connectionId, trigger: 'activate' });
    await harness.publisher.publish(Subjects.productsChanged, page(1));
    await expectEventually(() => {
      expect(harness.script.running).toBe(1);
      expect(harness.script.completed.map(triggerOf)).toEqual(['activate']);
    });

    await nats.restart();
    const restartedAt = Date.now();
    // One message for a plain durable, one for a connection's queue.
    await publishOnceUp(Subjects.syncRequested, { connectionId, trigger: 'manual' });
    await publishOnceUp(partition, page(2));

    const afterRestart = () => harness.script.completed.slice(1);
    await expectEventually(
      () =>
        expect(afterRestart().map((delivery) => triggerOf(delivery) ?? pageOf(delivery))).toEqual(
          expect.arrayContaining(['manual', 2]),
        ),
      { timeoutMs: OLD_ACK_WAIT_MS },
    );
    const lastAt = Math.max(...afterRestart().map(({ at }) => at));
    expect(lastAt - restartedAt).toBeLessThan(RESUME_WITHIN_MS);

    // The handler that ran through the restart, for longer than the ack wait, kept its message: it was never
    // delivered again.
    await expectEventually(() => expect(Date.now() - restartedAt).toBeGreaterThan(2 * DEFAULT_ACK_WAIT_MS), {
      timeoutMs: 3 * DEFAULT_ACK_WAIT_MS,
      intervalMs: 100,
    });
    releaseFirstPage();
    await expectEventually(async () => {
      const info = await jsm.consumers.info(STREAM_NAME, durableName(serviceName(), partition));
      expect([info.num_ack_pending, info.num_pending]).toEqual([0, 0]);
    });
    expect(harness.script.deliveries.map(pageOf).filter((number) => number === 1)).toHaveLength(1);
  });

  it('gives the message of a replica that died while the server was down to another replica within seconds of the restart', async () => {
    const victim = await replica();
    holdHandlers(victim);
    await victim.publisher.publish(Subjects.productsChanged, page(1));
    await expectEventually(() => expect(victim.script.running).toBe(1));

    await nats.halt();
    await dropConnection(victim);
    await nats.restart();
    const restartedAt = Date.now();
    const survivor = await replica();

    const redelivered = await pollUntil(() => survivor.script.completed[0], {
      timeoutMs: OLD_ACK_WAIT_MS,
      description: 'the survivor to get the message',
    });
    expect(pageOf(redelivered)).toBe(1);
    expect(redelivered.at - restartedAt).toBeLessThan(RESUME_WITHIN_MS);
  });

  it('keeps the message of a handler whose event loop stalls for half the ack wait at a time', async () => {
    const harness = await replica();
    harness.script.behaviour = async () => {
      // Synchronous work no heartbeat can interrupt, three times, with a breath between.
      for (let stall = 0; stall < 3; stall += 1) {
        const until = Date.now() + DEFAULT_ACK_WAIT_MS / 2;
        while (Date.now() < until) {
          // Busy: the event loop is blocked.
        }
        // A timer, not setImmediate: the heartbeat timers get their turn before the next stall.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await harness.publisher.publish(Subjects.syncRequested, { connectionId, trigger: 'activate' });

    await expectEventually(() => expect(harness.script.completed).toHaveLength(1), { timeoutMs: 20_000 });
    await expectEventually(async () => {
      const info = await jsm.consumers.info(STREAM_NAME, durableName(serviceName(), Subjects.syncRequested));
      expect([info.num_ack_pending, info.num_pending, info.num_redelivered]).toEqual([0, 0, 0]);
    });
    expect(harness.script.deliveries).toHaveLength(1);
  });

  it('gives durables created with another ack wait the configured one at start-up, partition durables included', async () => {
    const producer = await createMessagingTestApp(
      { serviceName: 'producer', natsUrl: nats.url },
      { consume: false },
    );
    apps.push(producer);
    await producer.publisher.publish(Subjects.productsChanged, page(1));
    for (const subject of [Subjects.syncRequested, Subjects.productsChanged, partition]) {
      await jsm.consumers.add(STREAM_NAME, durableConsumerConfig(serviceName(), subject, OLD_ACK_WAIT_MS));
    }

    const harness = await replica();
    await expectEventually(() => expect(harness.script.completed.map(pageOf)).toEqual([1]));

    const ackWaits = await Promise.all(
      [Subjects.syncRequested, Subjects.productsChanged, partition].map(
        async (subject) =>
          (await jsm.consumers.info(STREAM_NAME, durableName(serviceName(), subject))).config.ack_wait,
      ),
    );
    expect(ackWaits).toEqual(Array(3).fill(nanos(DEFAULT_ACK_WAIT_MS)));
  });
});
