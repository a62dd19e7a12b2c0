import { STREAM_NAME } from '@storebridge/contracts';
import { ConcurrencyLimiter } from '../concurrency-limiter';
import { durableName } from '../consumer-naming';
import { durableConsumerConfig } from '../jetstream.config';
import { EventSubscriptionOptions } from '../messaging.transport';
import { PullContext } from './pulling';

const RESTART_DELAY_MS = 1_000;
/**
 * How long each pull of the consumption stays open on the server. The client notices a pull the server forgot (a
 * restart) by missed idle heartbeats, every half of it, and retries a failed check of the durable after a reconnect
 * after it: short, so consuming stalls for seconds at most.
 */
const PULL_EXPIRES_MS = 5_000;

/**
 * Keeps the durable consumer of one plain (not partitioned) subject consumed until shutdown, pulling only as many
 * messages as its handler has free slots, and re-creating the consumption if it ends on its own.
 */
export class DurablePump {
  constructor(
    private readonly subscription: EventSubscriptionOptions,
    private readonly context: PullContext,
  ) {}

  async run(): Promise<void> {
    const { lifecycle, logger } = this.context;
    while (!lifecycle.stopping) {
      try {
        await this.consume();
      } catch (error) {
        logger.warn(`Consuming ${this.subscription.subject} failed, restarting: ${String(error)}`);
      }
      if (!lifecycle.stopping) {
        await lifecycle.sleep(RESTART_DELAY_MS);
      }
    }
  }

  private async consume(): Promise<void> {
    const { subject, handler, concurrency } = this.subscription;
    const { connection, serviceName, ackWaitMs, lifecycle, heartbeats, settler, runner } = this.context;
    const name = durableName(serviceName, subject);
    await connection.ensureDurableConsumer(durableConsumerConfig(serviceName, subject, ackWaitMs));
    const js = await connection.jetStream();
    const consumer = await js.consumers.get(STREAM_NAME, name);
    const messages = await consumer.consume({ max_messages: concurrency, expires: PULL_EXPIRES_MS });
    lifecycle.openPull(messages);
    if (lifecycle.stopping) {
      messages.stop();
    }
    const limiter = new ConcurrencyLimiter(concurrency);
    const iterator = messages[Symbol.asyncIterator]();
    try {
      for (;;) {
        // A slot first, then the next message: nothing waits in a local buffer while its ack wait runs.
        await limiter.acquire();
        if (lifecycle.stopping) {
          // Asking the iterator for more would send the pull it has queued, for messages nobody will take.
          return;
        }
        const next = await iterator.next();
        if (next.done) {
          return;
        }
        if (lifecycle.stopping) {
          // Pulled but not started: hand it straight back for another replica.
          settler.settle(next.value, { kind: 'retry', delayMs: 0 });
          return;
        }
        const msg = next.value;
        lifecycle.track(
          runner
            .run({ msg, stopHeartbeat: heartbeats.keepAlive(msg) }, handler)
            .finally(() => limiter.release()),
        );
      }
    } finally {
      lifecycle.closePull(messages);
    }
  }
}
