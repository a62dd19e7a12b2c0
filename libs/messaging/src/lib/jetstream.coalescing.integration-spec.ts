import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  mergeProductsChanged,
  NormalizedProduct,
  partitionedSubject,
  ProductsChangedEvent,
  productsChangedRecordCount,
  STREAM_NAME,
  Subjects,
} from '@storebridge/contracts';
import { expectEventually } from '@storebridge/testing';
import { useJetStreamTestBus } from '../test-fixtures/jetstream-test-bus';
import { createMessagingTestApp, MessagingTestApp } from '../test-fixtures/messaging-test.app';
import { HandlerScript, RecordedDelivery } from '../test-fixtures/recording.controller';
import { CoalesceOptions } from './coalescing';
import { durableName } from './consumer-naming';
import { COALESCING_LINGER_MS } from './jetstream/partition-pumps';
import { MessagingExceptionFilter } from './messaging-exception.filter';
import { RetryLaterError } from './messaging.errors';
import { MessagingContext } from './messaging.context';
import { MESSAGING_TRANSPORT } from './messaging.transport';
import { RecordingParkedMessageStore } from './parked-messages.fake';
import { RpcValidationPipe } from './rpc-validation.pipe';

const connectionId = '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f';
const partition = partitionedSubject(Subjects.productsChanged, connectionId);

/** Push's declaration, with one slot so merged calls run in stream order and the latest version is the last. */
@Controller()
@UseFilters(MessagingExceptionFilter)
class CoalescingController {
  constructor(private readonly script: HandlerScript) {}

  @EventPattern(Subjects.productsChanged, MESSAGING_TRANSPORT, {
    concurrency: 1,
    coalesce: {
      merge: mergeProductsChanged,
      recordCount: productsChangedRecordCount,
      maxRecords: 100,
    } satisfies CoalesceOptions<ProductsChangedEvent>,
  })
  async onProductsChanged(
    @Payload(RpcValidationPipe) event: ProductsChangedEvent,
    @Ctx() context: MessagingContext,
  ): Promise<void> {
    await this.script.handle(Subjects.productsChanged, event, context);
  }
}

function product(id: string, name = `Product ${id}`): NormalizedProduct {
  return { id, name, categories: [], tags: [], images: [], url: `https://shop.test/p/${id}` };
}

function webhook(products: NormalizedProduct[], deletedIds: string[] = []): ProductsChangedEvent {
  return { connectionId, syncRunId: null, page: 0, products, deletedIds };
}

/** The store's products once `events` are applied in order (upserts, then deletes, as push writes them). */
function replay(events: readonly ProductsChangedEvent[]): Map<string, string> {
  const state = new Map<string, string>();
  for (const event of events) {
    event.products.forEach(({ id, name }) => state.set(id, name));
    event.deletedIds.forEach((id) => state.set(id, 'deleted'));
  }
  return state;
}

const eventOf = ({ event }: RecordedDelivery) => event as ProductsChangedEvent;
const productIdsOf = (deliveries: RecordedDelivery[]) =>
  deliveries.flatMap((delivery) => eventOf(delivery).products.map(({ id }) => id)).sort();

describe('JetStream messaging, coalescing a connection’s small messages', () => {
  const bus = useJetStreamTestBus('co');

  async function start(parkedMessageStore?: RecordingParkedMessageStore): Promise<MessagingTestApp> {
    const harness = await createMessagingTestApp(
      {
        serviceName: bus.serviceName,
        natsUrl: bus.natsUrl,
        retryBackoff: { initialMs: 50, maxMs: 200 },
        partitionDiscoveryMs: 100,
      },
      { consume: false, controllers: [CoalescingController], parkedMessageStore },
    );
    bus.openApps.push(harness);
    return harness;
  }

  /** The partition's durable has settled every message up to `sequence` and holds none pending. */
  async function expectSettled(sequence: number): Promise<void> {
    await expectEventually(async () => {
      const info = await bus.jsm.consumers.info(STREAM_NAME, durableName(bus.serviceName, partition));
      expect(info.ack_floor.stream_seq).toBe(sequence);
      expect(info.num_ack_pending).toBe(0);
      expect(info.num_pending).toBe(0);
    });
  }

  it('hands a burst of webhooks to the handler in a few merged calls, the latest change of each record winning', async () => {
    const { publisher, script, startConsuming } = await start();
    await startConsuming();
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    script.behaviour = () => blocked;
    const published = [webhook([product('p0')])];
    await publisher.publish(Subjects.productsChanged, published[0]);
    await expectEventually(() => expect(script.running).toBe(1));

    for (let index = 1; index < 30; index += 1) {
      published.push(webhook([product(`p${index}`)]));
    }
    published.push(
      webhook([product('p3', 'Renamed')]),
      webhook([], ['p7']),
      webhook([product('p0', 'Back')]),
    );
    for (const event of published.slice(1)) {
      await publisher.publish(Subjects.productsChanged, event);
    }
    release();

    await expectSettled(published.length);
    expect(script.deliveries.length).toBeLessThan(10);
    expect(script.completed).toEqual(script.deliveries);
    const handled = replay(script.completed.map(eventOf));
    expect(handled).toEqual(replay(published));
    expect([...handled.keys()].sort()).toEqual(Array.from({ length: 30 }, (_, index) => `p${index}`).sort());
    expect([handled.get('p0'), handled.get('p3'), handled.get('p7')]).toEqual(['Back', 'Renamed', 'deleted']);
  });

  it('handles a steady stream of webhooks in runs of several, not a run every message or two', async () => {
    const { publisher, script, startConsuming } = await start();
    await startConsuming();
    const ids = Array.from({ length: 60 }, (_, index) => `p${String(index).padStart(2, '0')}`);

    const publishing = performance.now();
    for (const id of ids) {
      await publisher.publish(Subjects.productsChanged, webhook([product(id)]));
      // About 200 webhooks/s, each handled long before the next arrives: nothing but the wait makes runs merge.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const publishedInMs = performance.now() - publishing;

    await expectSettled(ids.length);
    expect(productIdsOf(script.completed)).toEqual(ids);
    // A run per COALESCING_LINGER_MS at most (and the first message alone); a run per message without the wait.
    expect(script.deliveries.length).toBeLessThanOrEqual(Math.ceil(publishedInMs / COALESCING_LINGER_MS) + 2);
    expect(script.deliveries.length).toBeLessThan(ids.length / 2);
  });

  it('retries a merged call that failed as a whole, each record then handled once', async () => {
    const { publisher, script, startConsuming } = await start();
    script.behaviour = ({ attempt }) => {
      if (attempt === 1) {
        throw new Error('ShopiMind unavailable');
      }
    };
    const ids = Array.from({ length: 10 }, (_, index) => `p${index}`).sort();
    for (const id of ids) {
      await publisher.publish(Subjects.productsChanged, webhook([product(id)]));
    }

    await startConsuming();

    await expectSettled(ids.length);
    const failed = script.deliveries.filter((delivery) => !script.completed.includes(delivery));
    expect(failed.map((delivery) => productIdsOf([delivery]))).toEqual([ids]);
    expect(productIdsOf(script.completed)).toEqual(ids);
    expect(script.completed.every(({ attempt }) => attempt === 2)).toBe(true);
  });

  it('hands a merged call asked to retry later back as a whole, for after the pause', async () => {
    const { publisher, script, startConsuming } = await start();
    script.behaviour = ({ attempt }) => {
      if (attempt === 1) {
        throw new RetryLaterError(300, 'installation inactive');
      }
    };
    const ids = ['p0', 'p1', 'p2', 'p3', 'p4'];
    // Big enough to reach the client one by one: a pull must not end after the first redelivered one.
    const description = 'x'.repeat(60_000);
    for (const id of ids) {
      await publisher.publish(Subjects.productsChanged, webhook([{ ...product(id), description }]));
    }

    await startConsuming();

    await expectSettled(ids.length);
    expect(script.deliveries[0].attempt).toBe(1);
    expect(productIdsOf([script.deliveries[0]])).toEqual(ids);
    expect(productIdsOf(script.completed)).toEqual(ids);
    expect(script.completed.every(({ attempt }) => attempt === 2)).toBe(true);
  });

  it('drops only the invalid messages of a merged call, handling their neighbours', async () => {
    const { publisher, script, logs, startConsuming } = await start();
    const invalid = { id: 'bad', categories: [], tags: [], images: [] } as unknown as NormalizedProduct;
    await publisher.publish(Subjects.productsChanged, webhook([product('p0')]));
    await publisher.publish(Subjects.productsChanged, webhook([product('p1')]));
    await publisher.publish(Subjects.productsChanged, webhook([invalid]));
    await publisher.publish(Subjects.productsChanged, webhook([product('p2')]));
    await bus.observer.jetstream().publish(partition, new TextEncoder().encode('{not json'));
    await publisher.publish(Subjects.productsChanged, webhook([product('p3')]));
    await publisher.publish(Subjects.productsChanged, webhook([product('p4')]));

    await startConsuming();

    await expectSettled(7);
    expect(productIdsOf(script.completed)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    expect(script.completed).toEqual(script.deliveries);
    expect(logs.at('error')).toEqual([
      expect.stringMatching(
        /Dropped invalid message on .* \(sequence 3, attempt 1\): .*name must be a string/,
      ),
      expect.stringContaining('(sequence 5): payload is not JSON'),
    ]);
    const info = await bus.jsm.consumers.info(STREAM_NAME, durableName(bus.serviceName, partition));
    expect(info.num_redelivered).toBe(0);
  });

  it('finds a poison message among merged ones: runs them alone once merged runs keep failing, and parks it alone', async () => {
    const store = new RecordingParkedMessageStore();
    const { publisher, script, startConsuming } = await start(store);
    script.behaviour = ({ event }) => {
      if ((event as ProductsChangedEvent).products.some(({ id }) => id === 'poison')) {
        throw Object.assign(new Error('unsupported Unicode escape sequence'), {
          name: 'QueryFailedError',
          code: '22P05',
        });
      }
    };
    for (const id of ['p0', 'p1', 'poison', 'p2', 'p3']) {
      await publisher.publish(Subjects.productsChanged, webhook([product(id)]));
    }

    await startConsuming();

    await expectSettled(5);
    expect(productIdsOf(script.completed)).toEqual(['p0', 'p1', 'p2', 'p3']);
    expect(store.parked.map(({ subject, sequence, failure }) => ({ subject, sequence, failure }))).toEqual([
      {
        subject: partition,
        sequence: 3,
        failure: {
          name: 'QueryFailedError',
          code: '22P05',
          message: 'unsupported Unicode escape sequence',
          attempts: 5,
        },
      },
    ]);
  });
});
