import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { MessageHandler } from '@nestjs/microservices';
import { STREAM_NAME } from '@storebridge/contracts';
import { ConsumerMessages, JsMsg } from 'nats';
import { ConcurrencyLimiter } from './concurrency-limiter';
import { durableName } from './consumer-naming';
import { durableConsumerConfig } from './jetstream.config';
import { JetStreamConnection } from './jetstream.connection';
import { DeliveryOutcome, MessageDispatcher } from './message.dispatcher';
import { MESSAGING_OPTIONS, ResolvedMessagingOptions } from './messaging.options';
import { MessagingTransport, MessagingTransportEvents } from './messaging.transport';
import { settleWithin } from './shutdown';

const RESTART_DELAY_MS = 1_000;

interface EventSubscription {
  subject: string;
  handler: MessageHandler;
  concurrency: number;
}

/**
 * Consumes every `@EventPattern` subject from a durable pull consumer shared by all replicas of the service,
 * pulling only as many messages as it has free handler slots.
 */
@Injectable()
export class JetStreamTransport extends MessagingTransport implements OnModuleDestroy {
  protected override readonly logger = new Logger(JetStreamTransport.name);
  private readonly dispatcher: MessageDispatcher;
  private readonly heartbeatMs: number;
  private readonly consuming = new Set<ConsumerMessages>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly pumps: Array<Promise<void>> = [];
  private stopping = false;
  private closing?: Promise<void>;
  private wakeUp: () => void = () => undefined;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
    private readonly connection: JetStreamConnection,
  ) {
    super();
    this.dispatcher = new MessageDispatcher(JetStreamTransport.name, options.retryBackoff);
    // Three heartbeats per ack wait: one lost heartbeat never causes a redelivery.
    this.heartbeatMs = Math.max(100, Math.floor(options.ackWaitMs / 3));
  }

  listen(callback: (...optionalParams: unknown[]) => unknown): void {
    this.start().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  /** Shutdown begins: take no new work while the rest of the app is torn down (Nest closes transports later). */
  onModuleDestroy(): void {
    this.stopPulling();
  }

  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  on<
    EventKey extends keyof MessagingTransportEvents,
    EventCallback extends MessagingTransportEvents[EventKey],
  >(event: EventKey, callback: EventCallback): void {
    this.connection.on(event, callback);
  }

  /** The NatsConnection. */
  unwrap<T>(): T {
    const nc = this.connection.current();
    if (!nc) {
      throw new Error('JetStreamTransport is not connected yet');
    }
    return nc as unknown as T;
  }

  private async start(): Promise<void> {
    await this.connection.ensureStream();
    const subscriptions = this.eventSubscriptions();
    for (const subscription of subscriptions) {
      await this.connection.ensureDurableConsumer(
        durableConsumerConfig(this.options.serviceName, subscription.subject, this.options.ackWaitMs),
      );
    }
    for (const subscription of subscriptions) {
      this.pumps.push(this.pump(subscription));
    }
    this._status$.next('connected');
  }

  /**
   * Stops pulling. A message the server sent in the same instant (its pull was already answered) arrives
   * after the unsubscribe and is redelivered once its ack wait expires: delayed, never lost.
   */
  private stopPulling(): void {
    if (this.stopping) {
      return;
    }
    this.stopping = true;
    this.wakeUp();
    for (const messages of this.consuming) {
      messages.stop();
    }
  }

  private async stop(): Promise<void> {
    this.stopPulling();
    const settled = await settleWithin([...this.inFlight, ...this.pumps], this.options.shutdownTimeoutMs);
    if (!settled) {
      this.logger.warn(
        `${this.inFlight.size} handler(s) still running after ${this.options.shutdownTimeoutMs} ms; ` +
          'their messages will be redelivered',
      );
    }
    this._status$.next('disconnected');
  }

  /** Keeps one subject consumed until shutdown, re-creating the consumption if it ends on its own. */
  private async pump(subscription: EventSubscription): Promise<void> {
    while (!this.stopping) {
      try {
        await this.consume(subscription);
      } catch (error) {
        this.logger.warn(`Consuming ${subscription.subject} failed, restarting: ${String(error)}`);
      }
      if (!this.stopping) {
        await this.pause(RESTART_DELAY_MS);
      }
    }
  }

  private async consume({ subject, handler, concurrency }: EventSubscription): Promise<void> {
    const name = durableName(this.options.serviceName, subject);
    await this.connection.ensureDurableConsumer(
      durableConsumerConfig(this.options.serviceName, subject, this.options.ackWaitMs),
    );
    const js = await this.connection.jetStream();
    const consumer = await js.consumers.get(STREAM_NAME, name);
    const messages = await consumer.consume({ max_messages: concurrency });
    this.consuming.add(messages);
    if (this.stopping) {
      messages.stop();
    }
    const limiter = new ConcurrencyLimiter(concurrency);
    const iterator = messages[Symbol.asyncIterator]();
    try {
      for (;;) {
        // A slot first, then the next message: nothing waits in a local buffer while its ack wait runs.
        await limiter.acquire();
        if (this.stopping) {
          // Asking the iterator for more would send the pull it has queued, for messages nobody will take.
          return;
        }
        const next = await iterator.next();
        if (next.done) {
          return;
        }
        if (this.stopping) {
          // Pulled but not started: hand it straight back for another replica.
          this.settle(next.value, { kind: 'retry', delayMs: 0 });
          return;
        }
        this.track(this.process(next.value, handler).finally(() => limiter.release()));
      }
    } finally {
      this.consuming.delete(messages);
      messages.stop();
    }
  }

  private async process(msg: JsMsg, handler: MessageHandler): Promise<void> {
    // A long handler (a full store crawl) keeps its message: each heartbeat restarts the ack wait.
    const heartbeat = setInterval(() => this.safely(() => msg.working()), this.heartbeatMs);
    try {
      const outcome = await this.dispatcher.dispatch(handler, {
        subject: msg.subject,
        sequence: msg.info.streamSequence,
        attempt: msg.info.redeliveryCount,
        data: msg.string(),
      });
      this.settle(msg, outcome);
    } finally {
      clearInterval(heartbeat);
    }
  }

  private settle(msg: JsMsg, outcome: DeliveryOutcome): void {
    switch (outcome.kind) {
      case 'ack':
        this.safely(() => msg.ack());
        return;
      case 'term':
        this.safely(() => msg.term());
        return;
      case 'retry':
        this.safely(() => msg.nak(outcome.delayMs));
        return;
    }
  }

  /** Acks on a closed connection throw; the message is then simply redelivered after its ack wait. */
  private safely(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.logger.warn(`Could not reach JetStream to settle a message: ${String(error)}`);
    }
  }

  private track(work: Promise<void>): void {
    const tracked: Promise<void> = work
      .catch((error: unknown) => this.logger.error(`Message processing crashed: ${String(error)}`))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
