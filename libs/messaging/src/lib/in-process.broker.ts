import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { backoffDelayMs } from '@storebridge/retry';
import { Delivery, DeliveryOutcome } from './message.dispatcher';
import { DUPLICATE_WINDOW_MS, MESSAGING_OPTIONS, ResolvedMessagingOptions } from './messaging.options';

export type InProcessDeliveryHandler = (delivery: Delivery) => Promise<DeliveryOutcome>;

export interface InProcessSubscription {
  /** Stops new deliveries; resolves once the deliveries already running have settled. */
  stop(): Promise<void>;
}

interface StoredMessage {
  subject: string;
  sequence: number;
  data: string;
  /** What JetStream carries in the message's headers. */
  correlationId?: string;
  /** Durables that have not acked (or dropped) the message yet. */
  unfinished: Set<string>;
}

interface PendingDelivery {
  message: StoredMessage;
  attempt: number;
}

interface Durable {
  name: string;
  subject: string;
  queue: PendingDelivery[];
  handler?: InProcessDeliveryHandler;
  concurrency: number;
  running: Set<Promise<void>>;
}

/**
 * The message bus of embedded mode (one process, no NATS), with the delivery semantics of the JetStream
 * setup: one durable per service and subject, at-least-once with redelivery, de-duplication by message id,
 * and messages published before any handler exists kept until one registers.
 *
 * Not durable across process restarts: everything lives in memory, so a crash or restart of the embedded
 * process loses queued and retrying messages. That is accepted for the embedded dev mode only; production
 * runs on JetStream.
 *
 * Memory stays bounded by pending work: a message is forgotten once every durable of its subject has
 * finished it (a durable registering later only gets what is still retained).
 */
@Injectable()
export class InProcessBroker implements OnApplicationShutdown {
  private readonly logger = new Logger(InProcessBroker.name);
  private sequence = 0;
  private readonly retained = new Map<string, Map<number, StoredMessage>>();
  private readonly durables = new Map<string, Durable>();
  private readonly recentMessageIds = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions) {}

  onApplicationShutdown(): void {
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.timers.clear();
  }

  /** Messages of `subject` some durable has not finished yet (or that wait for the first durable). */
  pendingCount(subject: string): number {
    return this.retained.get(subject)?.size ?? 0;
  }

  /** Queues the message; returns false when it is a duplicate within the window and was discarded. */
  publish(subject: string, data: string, messageId?: string, correlationId?: string): boolean {
    if (messageId !== undefined && this.isDuplicate(messageId)) {
      return false;
    }
    this.sequence += 1;
    const durables = this.durablesOf(subject);
    const message: StoredMessage = {
      subject,
      sequence: this.sequence,
      data,
      correlationId,
      unfinished: new Set(durables.map((durable) => durable.name)),
    };
    this.retainedOf(subject).set(message.sequence, message);
    for (const durable of durables) {
      durable.queue.push({ message, attempt: 1 });
      this.schedulePump(durable);
    }
    return true;
  }

  subscribe(
    name: string,
    subject: string,
    concurrency: number,
    handler: InProcessDeliveryHandler,
  ): InProcessSubscription {
    let durable = this.durables.get(name);
    if (!durable) {
      durable = { name, subject, queue: [], concurrency, running: new Set() };
      this.durables.set(name, durable);
      // Like a new JetStream durable with deliver policy "all": it gets everything still retained.
      for (const message of this.retainedOf(subject).values()) {
        message.unfinished.add(name);
        durable.queue.push({ message, attempt: 1 });
      }
    }
    durable.handler = handler;
    durable.concurrency = concurrency;
    this.schedulePump(durable);
    const subscribed = durable;
    return {
      stop: async () => {
        if (subscribed.handler === handler) {
          subscribed.handler = undefined;
        }
        await Promise.allSettled([...subscribed.running]);
      },
    };
  }

  private isDuplicate(messageId: string): boolean {
    const now = Date.now();
    // Insertion order is expiry order, so expired ids are all at the front.
    for (const [id, expiresAt] of this.recentMessageIds) {
      if (expiresAt > now) {
        break;
      }
      this.recentMessageIds.delete(id);
    }
    if (this.recentMessageIds.has(messageId)) {
      return true;
    }
    this.recentMessageIds.set(messageId, now + DUPLICATE_WINDOW_MS);
    return false;
  }

  private durablesOf(subject: string): Durable[] {
    return [...this.durables.values()].filter((durable) => durable.subject === subject);
  }

  private retainedOf(subject: string): Map<number, StoredMessage> {
    let messages = this.retained.get(subject);
    if (!messages) {
      messages = new Map();
      this.retained.set(subject, messages);
    }
    return messages;
  }

  /** Delivery always starts on a later turn of the event loop, never inside `publish`. */
  private schedulePump(durable: Durable): void {
    setImmediate(() => this.pump(durable));
  }

  private pump(durable: Durable): void {
    while (durable.handler && durable.running.size < durable.concurrency) {
      const next = durable.queue.shift();
      if (!next) {
        return;
      }
      const running: Promise<void> = this.deliver(durable, durable.handler, next).finally(() => {
        durable.running.delete(running);
        this.pump(durable);
      });
      durable.running.add(running);
    }
  }

  private async deliver(
    durable: Durable,
    handler: InProcessDeliveryHandler,
    pending: PendingDelivery,
  ): Promise<void> {
    const { message, attempt } = pending;
    let outcome: DeliveryOutcome;
    try {
      outcome = await handler({
        subject: message.subject,
        sequence: message.sequence,
        attempt,
        data: message.data,
        correlationId: message.correlationId,
      });
    } catch (error) {
      this.logger.warn(
        `Delivery of ${message.subject} (sequence ${message.sequence}) crashed: ${String(error)}`,
      );
      const { initialMs, maxMs } = this.options.retryBackoff;
      outcome = { kind: 'retry', delayMs: backoffDelayMs(attempt, { baseMs: initialMs, maxMs }) };
    }
    switch (outcome.kind) {
      case 'ack':
      case 'term':
        this.finish(durable, message);
        return;
      case 'retry':
        this.redeliverLater(durable, { message, attempt: attempt + 1 }, outcome.delayMs);
        return;
    }
  }

  private finish(durable: Durable, message: StoredMessage): void {
    message.unfinished.delete(durable.name);
    if (message.unfinished.size === 0) {
      this.retainedOf(message.subject).delete(message.sequence);
    }
  }

  private redeliverLater(durable: Durable, pending: PendingDelivery, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      durable.queue.push(pending);
      this.pump(durable);
    }, delayMs);
    // A pending retry must not keep a stopping process alive (the loss is the documented embedded-mode trade-off).
    timer.unref();
    this.timers.add(timer);
  }
}
