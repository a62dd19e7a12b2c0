import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { isPartitionedSubject, STREAM_NAME } from '@storebridge/contracts';
import type { Subscription } from 'rxjs';
import { durableConsumerConfig } from './jetstream.config';
import { JetStreamConnection } from './jetstream.connection';
import { ConsumerLifecycle } from './jetstream/consumer-lifecycle';
import { DurablePump } from './jetstream/durable-pump';
import { Heartbeats } from './jetstream/heartbeats';
import { MessageRunner } from './jetstream/message-runner';
import { discoverPartitions, PartitionPumps } from './jetstream/partition-pumps';
import { PullContext } from './jetstream/pulling';
import { MessageSettler } from './jetstream/settling';
import { MessageParking } from './message-parking';
import { MessageDispatcher } from './message.dispatcher';
import { MESSAGING_OPTIONS, ResolvedMessagingOptions } from './messaging.options';
import { ConsumerBacklog, MessagingTransport, MessagingTransportEvents } from './messaging.transport';
import { PartitionDiscovery } from './partition-discovery';
import { settleWithin } from './shutdown';

/**
 * Consumes every `@EventPattern` subject from durable pull consumers shared by all replicas of the service,
 * pulling only as many messages as it has free handler slots. A plain subject has one durable (DurablePump). A
 * partitioned subject (see PartitionKeyFields) has one per partition, found by discovery, each pumped on its own
 * (PartitionPumps): the partitions share the handler's slots in turn, and a handler's RetryLaterError pauses its
 * partition only. This class wires those parts into Nest and runs startup and shutdown.
 */
@Injectable()
export class JetStreamTransport extends MessagingTransport implements OnModuleDestroy {
  protected override readonly logger = new Logger(JetStreamTransport.name);
  private readonly lifecycle = new ConsumerLifecycle(this.logger);
  private readonly context: PullContext;
  private readonly pumps: Array<Promise<void>> = [];
  private readonly discovery: PartitionDiscovery;
  private partitioned: PartitionPumps[] = [];
  private closing?: Promise<void>;
  private connectionState?: Subscription;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
    private readonly connection: JetStreamConnection,
    parking: MessageParking,
  ) {
    super();
    const dispatcher = new MessageDispatcher(JetStreamTransport.name, options.retryBackoff, parking);
    const settler = new MessageSettler(this.logger);
    this.context = {
      connection,
      serviceName: options.serviceName,
      ackWaitMs: options.ackWaitMs,
      lifecycle: this.lifecycle,
      heartbeats: new Heartbeats(options.ackWaitMs, settler),
      settler,
      dispatcher,
      runner: new MessageRunner(dispatcher, settler),
      logger: this.logger,
    };
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
    this.lifecycle.stopPulling();
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

  /**
   * Every durable of this service on the stream, partitions included (their names start with the service's, see
   * durableName): what is left to deliver plus what was delivered and not acked yet.
   */
  override async consumerBacklogs(): Promise<ConsumerBacklog[]> {
    const jsm = await this.connection.jetStreamManager();
    const prefix = `${this.options.serviceName}_`;
    const backlogs: ConsumerBacklog[] = [];
    for await (const info of jsm.consumers.list(STREAM_NAME)) {
      if (info.name.startsWith(prefix)) {
        backlogs.push({ consumer: info.name, pending: info.num_pending + info.num_ack_pending });
      }
    }
    return backlogs;
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
        this.partitioned.push(
          new PartitionPumps({ ...subscription, subject: subscription.subject }, this.context),
        );
      } else {
        this.pumps.push(new DurablePump(subscription, this.context).run());
      }
    }
    if (this.partitioned.length > 0) {
      this.pumps.push(
        discoverPartitions(this.discovery, this.partitioned, this.options.partitionDiscoveryMs, this.context),
      );
    }
    if (this.closing) {
      return;
    }
    // Connected from here on only while the NATS link is up: readiness checks read this status.
    this.connectionState = this.connection.state.subscribe((state) => this._status$.next(state));
  }

  private async stop(): Promise<void> {
    this.lifecycle.stopPulling();
    const inFlight = this.lifecycle.inFlight;
    const partitionPumps = this.partitioned.flatMap((pumps) => pumps.running());
    const settled = await settleWithin(
      [...inFlight, ...this.pumps, ...partitionPumps],
      this.options.shutdownTimeoutMs,
    );
    if (!settled) {
      this.logger.warn(
        `${inFlight.size} handler(s) still running after ${this.options.shutdownTimeoutMs} ms; ` +
          'their messages will be redelivered',
      );
    }
    this.connectionState?.unsubscribe();
    this._status$.next('disconnected');
  }
}
