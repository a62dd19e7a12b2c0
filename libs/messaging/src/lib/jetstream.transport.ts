import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { MessageHandler } from '@nestjs/microservices';
import { isPartitionedSubject, PartitionedSubject, STREAM_NAME } from '@storebridge/contracts';
import { JsMsg } from 'nats';
import { CoalesceOptions, coalescingGroups } from './coalescing';
import { ConcurrencyLimiter } from './concurrency-limiter';
import { durableName } from './consumer-naming';
import { FairScheduler } from './fair-scheduler';
import { durableConsumerConfig } from './jetstream.config';
import { JetStreamConnection } from './jetstream.connection';
import { MessageParking } from './message-parking';
import { DeliveryOutcome, MessageDispatcher } from './message.dispatcher';
import { MESSAGING_OPTIONS, ResolvedMessagingOptions } from './messaging.options';
import { MessagingTransport, MessagingTransportEvents } from './messaging.transport';
import { PartitionDiscovery } from './partition-discovery';
import { settleWithin } from './shutdown';

const RESTART_DELAY_MS = 1_000;
/** A partition's pull that finds nothing for this long ends its pump: an idle shop holds no open pull. */
const PARTITION_IDLE_MS = 30_000;
/**
 * A paused partition pulls again this long after its nak'd messages are due: the server hands out due
 * redeliveries first, so the messages that paused it, not new ones, probe whether it can go on.
 */
const RESUME_MARGIN_MS = 100;
/**
 * What one no_wait pull of a coalescing partition takes at most: enough one-record webhooks to fill a merged
 * payload or two, few enough full crawl pages (each handled alone) to keep the others for other replicas.
 */
const COALESCING_PULL = 50;
/**
 * A no_wait pull also gives an expiry: without one, nats.js ends a pull at the first message the server counts
 * nothing pending after, which is every redelivery (a retried or paused message, a dead replica's messages), and
 * drops the rest of the batch until its ack wait. With one, the server ends the pull once it has sent what is
 * available, or at the expiry when nothing is.
 */
const NO_WAIT_PULL_EXPIRES_MS = 1_000;

interface EventSubscription {
  subject: string;
  handler: MessageHandler;
  concurrency: number;
  coalesce?: CoalesceOptions<unknown>;
}

/** A partitioned subject: one durable per key, the partitions taking the handler's slots in turn. */
interface PartitionedSubscription extends EventSubscription {
  subject: PartitionedSubject;
  scheduler: FairScheduler<string>;
  /** The running pumps, by the filter subject of their partition. */
  pumps: Map<string, Promise<void>>;
  /** When (epoch ms) the messages that paused a partition are due again, by filter subject. */
  pausedUntil: Map<string, number>;
}

type StopHeartbeat = () => void;

/** A pulled message, heartbeated from its arrival until settled. */
interface PendingMessage {
  msg: JsMsg;
  stopHeartbeat: StopHeartbeat;
  /** The parsed payload and its record count; both undefined when unreadable (it is then handled alone). */
  payload?: unknown;
  recordCount?: number;
}

/** What a pull gives: the messages as they come, and a way to stop waiting for more. */
type PulledMessages = AsyncIterable<JsMsg> & { stop(): void };

/**
 * Consumes every `@EventPattern` subject from durable pull consumers shared by all replicas of the service,
 * pulling only as many messages as it has free handler slots. A plain subject has one durable. A partitioned
 * subject (see PartitionKeyFields) has one per partition, found by discovery, each pumped on its own: the
 * partitions share the handler's slots in turn, and a handler's RetryLaterError pauses its partition only.
 */
@Injectable()
export class JetStreamTransport extends MessagingTransport implements OnModuleDestroy {
  protected override readonly logger = new Logger(JetStreamTransport.name);
  private readonly dispatcher: MessageDispatcher;
  private readonly heartbeatMs: number;
  private readonly consuming = new Set<PulledMessages>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly pumps: Array<Promise<void>> = [];
  private readonly discovery: PartitionDiscovery;
  private partitioned: PartitionedSubscription[] = [];
  private stopping = false;
  private closing?: Promise<void>;
  private readonly wakeUps = new Set<() => void>();

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
    private readonly connection: JetStreamConnection,
    parking: MessageParking,
  ) {
    super();
    this.dispatcher = new MessageDispatcher(JetStreamTransport.name, options.retryBackoff, parking);
    // Three heartbeats per ack wait: one lost heartbeat never causes a redelivery.
    this.heartbeatMs = Math.max(100, Math.floor(options.ackWaitMs / 3));
    this.discovery = new PartitionDiscovery(connection, options.serviceName, options.ackWaitMs);
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
      // A partitioned subject keeps its own durable too, for what was published before it was partitioned.
      await this.connection.ensureDurableConsumer(
        durableConsumerConfig(this.options.serviceName, subscription.subject, this.options.ackWaitMs),
      );
    }
    for (const subscription of subscriptions) {
      if (isPartitionedSubject(subscription.subject)) {
        this.partitioned.push({
          ...subscription,
          subject: subscription.subject,
          scheduler: new FairScheduler(subscription.concurrency),
          pumps: new Map(),
          pausedUntil: new Map(),
        });
      } else {
        this.pumps.push(this.pump(subscription));
      }
    }
    if (this.partitioned.length > 0) {
      this.pumps.push(this.discoverPartitions());
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
    for (const wakeUp of [...this.wakeUps]) {
      wakeUp();
    }
    for (const messages of this.consuming) {
      messages.stop();
    }
  }

  private async stop(): Promise<void> {
    this.stopPulling();
    const partitionPumps = this.partitioned.flatMap((subscription) => [...subscription.pumps.values()]);
    const settled = await settleWithin(
      [...this.inFlight, ...this.pumps, ...partitionPumps],
      this.options.shutdownTimeoutMs,
    );
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
        await this.sleep(RESTART_DELAY_MS);
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
        this.track(
          this.process({ msg: next.value, stopHeartbeat: this.keepAlive(next.value) }, handler).finally(() =>
            limiter.release(),
          ),
        );
      }
    } finally {
      this.consuming.delete(messages);
      messages.stop();
    }
  }

  /** Finds the partitions with work every `partitionDiscoveryMs`, and pumps each that has no pump running. */
  private async discoverPartitions(): Promise<void> {
    while (!this.stopping) {
      try {
        const withWork = await this.discovery.discover(this.partitioned.map(({ subject }) => subject));
        for (const subscription of this.partitioned) {
          for (const partition of withWork.get(subscription.subject) ?? []) {
            this.startPartitionPump(subscription, partition);
          }
        }
      } catch (error) {
        this.logger.warn(`Discovering partitions failed, trying again: ${String(error)}`);
      }
      await this.sleep(this.options.partitionDiscoveryMs);
    }
  }

  private startPartitionPump(subscription: PartitionedSubscription, partition: string): void {
    if (this.stopping || subscription.pumps.has(partition)) {
      return;
    }
    const pump = this.pumpPartition(subscription, partition)
      .catch((error: unknown) =>
        this.logger.warn(`Consuming ${partition} failed; discovery restarts it: ${String(error)}`),
      )
      .finally(() => subscription.pumps.delete(partition));
    subscription.pumps.set(partition, pump);
  }

  /**
   * Serves one partition until a pull finds nothing for PARTITION_IDLE_MS. Messages first, then slots: a partition
   * waits for its turn holding the messages it pulled (heartbeating them), never holding a slot it has no message
   * for, which a busy partition could use. While messages keep coming it takes what the stream has, up to a slot's
   * worth per pull; only an empty partition leaves a pull waiting on the server, for one message. A pull still
   * open there would take in a message handed back at shutdown (or after a pause), which then waits out its ack
   * wait.
   */
  private async pumpPartition(subscription: PartitionedSubscription, partition: string): Promise<void> {
    const js = await this.connection.jetStream();
    const durable = durableName(this.options.serviceName, partition);
    const consumer = await js.consumers.get(STREAM_NAME, durable);
    for (;;) {
      await this.untilResumed(subscription, partition);
      if (this.stopping) {
        return;
      }
      const available = js.fetch(STREAM_NAME, durable, {
        batch: subscription.coalesce
          ? Math.max(subscription.concurrency, COALESCING_PULL)
          : subscription.concurrency,
        no_wait: true,
        expires: NO_WAIT_PULL_EXPIRES_MS,
      });
      if ((await this.serve(subscription, partition, available)) > 0) {
        continue;
      }
      const next = await consumer.fetch({ max_messages: 1, expires: PARTITION_IDLE_MS });
      if ((await this.serve(subscription, partition, next)) === 0) {
        return;
      }
    }
  }

  /**
   * Runs each message of one pull in its partition's turn, or for a coalescing handler each run of small messages
   * (see coalesceInTurns); resolves with how many messages came, once all have started.
   */
  private async serve(
    subscription: PartitionedSubscription,
    partition: string,
    messages: PulledMessages,
  ): Promise<number> {
    this.consuming.add(messages);
    const started: Array<Promise<void>> = [];
    const pending: PendingMessage[] = [];
    let received = 0;
    try {
      // The pull is sent on the first iteration: none when stopping.
      if (this.stopping) {
        return 0;
      }
      for await (const msg of messages) {
        received += 1;
        // From its arrival: a message may wait a while for its turn.
        const stopHeartbeat = this.keepAlive(msg);
        if (subscription.coalesce) {
          // Grouped once the pull is complete (a no_wait pull completes at once).
          pending.push({ msg, stopHeartbeat, ...this.readForCoalescing(subscription.coalesce, msg) });
        } else {
          started.push(this.runAlone(subscription, partition, { msg, stopHeartbeat }));
        }
      }
    } finally {
      this.consuming.delete(messages);
      messages.stop();
    }
    if (subscription.coalesce) {
      started.push(...this.coalesceInTurns(subscription, subscription.coalesce, partition, pending));
    }
    await Promise.all(started);
    return received;
  }

  /** The payload and record count of a message to coalesce, or nothing when it cannot be read. */
  private readForCoalescing(
    coalesce: CoalesceOptions<unknown>,
    msg: JsMsg,
  ): Pick<PendingMessage, 'payload' | 'recordCount'> {
    try {
      const payload: unknown = JSON.parse(msg.string());
      const recordCount = coalesce.recordCount(payload);
      return Number.isInteger(recordCount) && recordCount >= 0 ? { payload, recordCount } : {};
    } catch {
      // Handled alone: the dispatcher reports what is wrong with it.
      return {};
    }
  }

  /**
   * Runs consecutive small messages as one merged payload, each group in one turn of its partition; a message
   * alone, or a group whose payloads will not merge, runs one message per turn as usual.
   */
  private coalesceInTurns(
    subscription: PartitionedSubscription,
    coalesce: CoalesceOptions<unknown>,
    partition: string,
    pending: PendingMessage[],
  ): Array<Promise<void>> {
    const started: Array<Promise<void>> = [];
    const runAlone = (pending: PendingMessage) =>
      started.push(this.runAlone(subscription, partition, pending));
    for (const group of coalescingGroups(pending, ({ recordCount }) => recordCount, coalesce.maxRecords)) {
      if (group.length === 1) {
        runAlone(group[0]);
        continue;
      }
      let merged: unknown;
      try {
        merged = coalesce.merge(group.map(({ payload }) => payload));
      } catch (error) {
        this.logger.warn(
          `Could not merge ${group.length} messages of ${partition}, running them one by one: ${String(error)}`,
        );
        group.forEach(runAlone);
        continue;
      }
      started.push(
        this.runInTurn(subscription, partition, group, () =>
          this.processGroup(group, merged, subscription.handler),
        ),
      );
    }
    return started;
  }

  /** Runs the handler on the merged payload and settles the group; resolves with the outcome for the queue. */
  private async processGroup(
    group: PendingMessage[],
    merged: unknown,
    handler: MessageHandler,
  ): Promise<DeliveryOutcome> {
    try {
      const [first] = group;
      const outcome = await this.dispatcher.dispatchPayload(
        handler,
        {
          subject: first.msg.subject,
          sequence: first.msg.info.streamSequence,
          // The backoff follows the most retried message of the group.
          attempt: Math.max(...group.map(({ msg }) => msg.info.redeliveryCount)),
          merged: group.length,
        },
        merged,
      );
      if (outcome.kind === 'term') {
        // Never drop a valid message because a neighbour was invalid (or poison): each on its own says which one is,
        // and only one message alone is ever parked.
        return await this.processOneByOne(group, handler);
      }
      for (const { msg } of group) {
        this.settle(msg, outcome);
      }
      return outcome;
    } finally {
      for (const { stopHeartbeat } of group) {
        stopHeartbeat();
      }
    }
  }

  /** The messages of a group, each dispatched and settled on its own, in order, within the group's turn. */
  private async processOneByOne(group: PendingMessage[], handler: MessageHandler): Promise<DeliveryOutcome> {
    for (const [index, { msg, stopHeartbeat }] of group.entries()) {
      if (this.stopping) {
        // Not started yet: back to the stream at once, for another replica.
        this.handBack(group.slice(index), 0);
        return { kind: 'retry', delayMs: 0 };
      }
      // Read again from the message: the merged run may have altered the parsed payload.
      const outcome = await this.process({ msg, stopHeartbeat }, handler);
      if (outcome.kind === 'retry' && outcome.pausesQueue) {
        // What pauses the queue would hold back the rest too: they wait with it.
        this.handBack(group.slice(index + 1), outcome.delayMs);
        return outcome;
      }
    }
    return { kind: 'ack' };
  }

  private handBack(messages: PendingMessage[], delayMs: number): void {
    for (const { msg, stopHeartbeat } of messages) {
      stopHeartbeat();
      this.settle(msg, { kind: 'retry', delayMs });
    }
  }

  private runAlone(
    subscription: PartitionedSubscription,
    partition: string,
    pending: PendingMessage,
  ): Promise<void> {
    return this.runInTurn(subscription, partition, [pending], () =>
      this.process(pending, subscription.handler),
    );
  }

  /**
   * Waits for the partition's turn, then runs `run` (one handler call for `messages`, settling them) in that slot;
   * pulled messages that cannot start (shutdown, pause) go back to the stream instead.
   */
  private async runInTurn(
    subscription: PartitionedSubscription,
    partition: string,
    messages: PendingMessage[],
    run: () => Promise<DeliveryOutcome>,
  ): Promise<void> {
    const releaseSlot = await subscription.scheduler.acquire(partition);
    const pausedMs = this.pausedMs(subscription, partition);
    if (this.stopping || pausedMs > 0) {
      // Pulled but not started: back to the stream, at once for another replica, or for after the pause.
      releaseSlot();
      this.handBack(messages, this.stopping ? 0 : pausedMs);
      return;
    }
    this.track(
      run()
        .then((outcome) => this.pauseIfAsked(subscription, partition, outcome))
        .finally(releaseSlot),
    );
  }

  /**
   * The handler cannot serve this queue yet (its installation is inactive): the partition pulls nothing for the
   * delay, so its other messages wait in the stream, and only the message that came back probes it again.
   */
  private pauseIfAsked(
    subscription: PartitionedSubscription,
    partition: string,
    outcome: DeliveryOutcome,
  ): void {
    if (outcome.kind === 'retry' && outcome.pausesQueue) {
      const until = Date.now() + outcome.delayMs;
      subscription.pausedUntil.set(partition, Math.max(until, subscription.pausedUntil.get(partition) ?? 0));
    }
  }

  /** Waits out the partition's pause, longer if its running messages extend it meanwhile. */
  private async untilResumed(subscription: PartitionedSubscription, partition: string): Promise<void> {
    let pausedMs = this.pausedMs(subscription, partition);
    while (pausedMs > 0 && !this.stopping) {
      await this.sleep(pausedMs + RESUME_MARGIN_MS);
      pausedMs = this.pausedMs(subscription, partition);
    }
  }

  private pausedMs(subscription: PartitionedSubscription, partition: string): number {
    const until = subscription.pausedUntil.get(partition);
    if (until === undefined) {
      return 0;
    }
    const left = until - Date.now();
    if (left <= 0) {
      subscription.pausedUntil.delete(partition);
    }
    return Math.max(0, left);
  }

  /** A long handler (a full store crawl) keeps its message: each heartbeat restarts the ack wait. */
  private keepAlive(msg: JsMsg): StopHeartbeat {
    const heartbeat = setInterval(() => this.safely(() => msg.working()), this.heartbeatMs);
    return () => clearInterval(heartbeat);
  }

  /**
   * Runs the handler and settles the message; resolves with the outcome. A payload parsed already (to coalesce) is
   * not parsed again.
   */
  private async process(
    { msg, stopHeartbeat, payload }: PendingMessage,
    handler: MessageHandler,
  ): Promise<DeliveryOutcome> {
    try {
      const delivery = {
        subject: msg.subject,
        sequence: msg.info.streamSequence,
        attempt: msg.info.redeliveryCount,
        data: msg.string(),
      };
      const outcome =
        payload === undefined
          ? await this.dispatcher.dispatch(handler, delivery)
          : await this.dispatcher.dispatchPayload(handler, delivery, payload);
      this.settle(msg, outcome);
      return outcome;
    } finally {
      stopHeartbeat();
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

  private track(work: Promise<unknown>): void {
    const tracked: Promise<void> = work
      .then(
        () => undefined,
        (error: unknown) => this.logger.error(`Message processing crashed: ${String(error)}`),
      )
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** Sleeps `ms`, or until pulling stops. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopping) {
        resolve();
        return;
      }
      const wakeUp = () => {
        clearTimeout(timer);
        this.wakeUps.delete(wakeUp);
        resolve();
      };
      const timer = setTimeout(wakeUp, ms);
      this.wakeUps.add(wakeUp);
    });
  }
}
