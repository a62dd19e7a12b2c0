import type { ConsumerBacklog, MessagingTransport } from '@storebridge/messaging';
import type { Gauge, Registry } from 'prom-client';
import { gaugeIn } from './metrics-registry';

/** A scrape does not wait longer for NATS: a server that does not answer leaves the gauge empty instead. */
export const CONSUMER_BACKLOG_TIMEOUT_MS = 1_000;

function within<T>(promise: Promise<T>, timeoutMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<undefined>(
    (resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)),
  );
  return Promise.race([promise, timedOut]).finally(() => clearTimeout(timer));
}

/**
 * `storebridge_jetstream_consumer_pending{consumer}`, read from NATS on each scrape. Registered only for a transport
 * with durable consumers (JetStream): the in-process bus has no backlog to report.
 */
export function watchConsumerBacklogs(
  registry: Registry,
  transport: Pick<MessagingTransport, 'consumerBacklogs'> | undefined,
  timeoutMs = CONSUMER_BACKLOG_TIMEOUT_MS,
): void {
  const backlogsOf = transport?.consumerBacklogs?.bind(transport);
  if (!backlogsOf) {
    return;
  }
  gaugeIn<'consumer'>(registry, {
    name: 'storebridge_jetstream_consumer_pending',
    help: 'Messages a durable consumer of this service has not settled: not delivered yet, or not acked yet',
    labelNames: ['consumer'],
    async collect(this: Gauge<'consumer'>) {
      // A failed or late answer reports nothing rather than stale counts, and never fails the scrape.
      const backlogs: ConsumerBacklog[] =
        (await within(backlogsOf(), timeoutMs).catch(() => undefined)) ?? [];
      this.reset();
      for (const { consumer, pending } of backlogs) {
        this.set({ consumer }, pending);
      }
    },
  });
}
