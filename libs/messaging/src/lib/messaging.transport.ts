import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { CoalesceOptions } from './coalescing';

/**
 * Identifies the messaging transport to Nest. An app that also runs another NATS microservice (core NATS
 * request/reply) scopes its message handlers with it, `@EventPattern(subject, MESSAGING_TRANSPORT)`, or the
 * core NATS server would subscribe to the same subjects and run the handlers a second time, without acks.
 */
export const MESSAGING_TRANSPORT = Symbol('storebridge-messaging');

export type MessagingTransportStatus = 'connected' | 'disconnected' | 'reconnecting';

/** What one durable consumer of the service has yet to settle: messages not delivered yet, or not acked yet. */
export interface ConsumerBacklog {
  consumer: string;
  pending: number;
}

/** Connection events a transport reports through `app.getMicroservices()[n].on(...)`. */
export type MessagingTransportEvents = {
  disconnect: (server: string) => void;
  reconnect: (server: string) => void;
};

/**
 * DI token and base class of the transports (JetStream, in-process). Apps connect it as a microservice:
 * `app.connectMicroservice({ strategy: app.get(MessagingTransport) })`, and handle messages in ordinary
 * controllers with `@EventPattern(subject)` (optionally `@EventPattern(subject, { concurrency: 8 })`, and for a
 * partitioned subject `{ coalesce }`, see CoalesceOptions).
 */
export abstract class MessagingTransport
  extends Server<MessagingTransportEvents, MessagingTransportStatus>
  implements CustomTransportStrategy
{
  override transportId = MESSAGING_TRANSPORT;

  /** The backlog of each durable consumer of this service, for a transport that has durables (JetStream). */
  consumerBacklogs?(): Promise<ConsumerBacklog[]>;

  /**
   * The event handlers to consume, one per subject (Nest chains several handlers of one subject), with the
   * options of their `@EventPattern` extras. `coalesce` is for transports that pull batches (JetStream); the
   * in-process transport ignores it.
   */
  protected eventSubscriptions(): EventSubscriptionOptions[] {
    const subscriptions: EventSubscriptionOptions[] = [];
    for (const [subject, handler] of this.getHandlers()) {
      if (!handler.isEventHandler) {
        this.logger.error(
          `@MessagePattern(${subject}) ignored: messaging transports only carry @EventPattern events`,
        );
        continue;
      }
      subscriptions.push({
        subject,
        handler,
        concurrency: concurrencyOf(handler),
        coalesce: this.coalesceOf(subject, handler),
      });
    }
    return subscriptions;
  }

  private coalesceOf(subject: string, handler: MessageHandler): CoalesceOptions<unknown> | undefined {
    const requested: unknown = handler.extras?.['coalesce'];
    if (requested === undefined) {
      return undefined;
    }
    if (!isCoalesceOptions(requested)) {
      this.logger.error(
        `coalesce of @EventPattern(${subject}) ignored: it needs merge, recordCount and a positive maxRecords`,
      );
      return undefined;
    }
    return requested;
  }
}

export interface EventSubscriptionOptions {
  subject: string;
  handler: MessageHandler;
  concurrency: number;
  coalesce?: CoalesceOptions<unknown>;
}

function concurrencyOf(handler: MessageHandler): number {
  const requested: unknown = handler.extras?.['concurrency'];
  return typeof requested === 'number' && Number.isInteger(requested) && requested > 0 ? requested : 1;
}

function isCoalesceOptions(requested: unknown): requested is CoalesceOptions<unknown> {
  if (typeof requested !== 'object' || requested === null) {
    return false;
  }
  const { merge, recordCount, maxRecords } = requested as Partial<
    Record<keyof CoalesceOptions<unknown>, unknown>
  >;
  return (
    typeof merge === 'function' &&
    typeof recordCount === 'function' &&
    typeof maxRecords === 'number' &&
    Number.isInteger(maxRecords) &&
    maxRecords > 0
  );
}
