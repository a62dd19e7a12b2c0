import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { STREAM_NAME } from '@storebridge/contracts';
import { EventEmitter } from 'node:events';
import {
  DebugEvents,
  Events,
  JetStreamClient,
  JetStreamManager,
  NatsConnection,
  NatsError,
  connect,
} from 'nats';
import { Observable, ReplaySubject } from 'rxjs';
import { DurableConsumerConfig, streamConfig } from './jetstream.config';
import { MESSAGING_OPTIONS, ResolvedMessagingOptions } from './messaging.options';
import { MessagingTransportEvents, MessagingTransportStatus } from './messaging.transport';

// JetStream API error codes (nats-server errors.json).
const STREAM_NOT_FOUND = 10059;
const CONSUMER_NOT_FOUND = 10014;
const RECONNECT_WAIT_MS = 500;
/**
 * How long a JetStream request (a publish's PubAck, an API call) waits for its answer. One sent as the server went
 * down is never answered, and its caller (a crawl publishing a page) fails and retries only after this: short, so
 * work resumes within seconds of a broker restart; still far above a healthy server's answer.
 */
const JETSTREAM_REQUEST_TIMEOUT_MS = 2_000;

function apiErrorCode(error: unknown): number | undefined {
  return error instanceof NatsError ? error.api_error?.err_code : undefined;
}

/** What a NATS status event says about the link to the server; undefined for events that leave it as it is. */
function connectionStateAfter(event: string): MessagingTransportStatus | undefined {
  switch (event) {
    case Events.Disconnect:
      return 'disconnected';
    case DebugEvents.Reconnecting:
      return 'reconnecting';
    case Events.Reconnect:
      return 'connected';
    default:
      return undefined;
  }
}

/**
 * The one NATS connection of a service, shared by its publisher and its transport. It connects when the
 * module initialises and drains on application shutdown, which Nest runs after the transport has closed,
 * so in-flight handlers can still ack.
 */
@Injectable()
export class JetStreamConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(JetStreamConnection.name);
  private readonly events = new EventEmitter();
  private readonly state$ = new ReplaySubject<MessagingTransportStatus>(1);
  private connecting?: Promise<NatsConnection>;
  private connected?: NatsConnection;
  private streamReady?: Promise<void>;
  private manager?: Promise<JetStreamManager>;

  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions) {}

  async onModuleInit(): Promise<void> {
    await this.connection();
  }

  async onApplicationShutdown(): Promise<void> {
    const connecting = this.connecting;
    if (!connecting) {
      return;
    }
    const nc = await connecting.catch(() => undefined);
    if (nc && !nc.isClosed()) {
      await nc.drain();
    }
  }

  /** Connects once; everything using the connection awaits the same attempt (module hooks run concurrently). */
  connection(): Promise<NatsConnection> {
    this.connecting ??= this.connect();
    return this.connecting;
  }

  /**
   * The link to the NATS server as the client sees it: connected once established, disconnected or reconnecting
   * while the server is unreachable, disconnected for good once closed. Replays the latest state.
   */
  get state(): Observable<MessagingTransportStatus> {
    return this.state$.asObservable();
  }

  /** The connection once established (for `unwrap`). */
  current(): NatsConnection | undefined {
    return this.connected;
  }

  async jetStream(): Promise<JetStreamClient> {
    return (await this.connection()).jetstream({ timeout: JETSTREAM_REQUEST_TIMEOUT_MS });
  }

  jetStreamManager(): Promise<JetStreamManager> {
    this.manager ??= this.connection().then((nc) =>
      nc.jetstreamManager({ timeout: JETSTREAM_REQUEST_TIMEOUT_MS }),
    );
    return this.manager;
  }

  /** Creates or updates the stream; idempotent, and the publisher and the transport both rely on it. */
  ensureStream(): Promise<void> {
    this.streamReady ??= this.createOrUpdateStream().catch((error: unknown) => {
      this.streamReady = undefined;
      throw error;
    });
    return this.streamReady;
  }

  async ensureDurableConsumer(config: DurableConsumerConfig): Promise<void> {
    const jsm = await this.jetStreamManager();
    const name = config.durable_name;
    const exists = await jsm.consumers.info(STREAM_NAME, name).then(
      () => true,
      (error: unknown) => (apiErrorCode(error) === CONSUMER_NOT_FOUND ? false : Promise.reject(error)),
    );
    if (!exists) {
      try {
        await jsm.consumers.add(STREAM_NAME, config);
        return;
      } catch (addError) {
        // Another replica may have created it in between; then updating it is the idempotent path.
        await this.updateDurableConsumer(jsm, config).catch(() => Promise.reject(addError));
        return;
      }
    }
    await this.updateDurableConsumer(jsm, config);
  }

  on<K extends keyof MessagingTransportEvents>(event: K, listener: MessagingTransportEvents[K]): void {
    this.events.on(event, listener);
  }

  private async connect(): Promise<NatsConnection> {
    const nc = await connect({
      servers: this.options.natsUrl,
      name: this.options.serviceName,
      // A broker restart must not take the service down: keep reconnecting, often enough (the client's default
      // waits 2 s between attempts) that work resumes within seconds of the broker's return.
      maxReconnectAttempts: -1,
      reconnectTimeWait: RECONNECT_WAIT_MS,
      // Otherwise every request (each publish's PubAck) builds an Error for its stack, a large share of the
      // gateway's work per store webhook; our own logs say where a failed publish came from.
      noAsyncTraces: true,
    });
    this.connected = nc;
    this.state$.next('connected');
    this.watchStatus(nc).catch((error: unknown) =>
      this.logger.warn(`Stopped watching NATS status: ${String(error)}`),
    );
    // Closed (drained, or given up on): no status event follows, so it is watched apart.
    void nc.closed().then(() => this.state$.next('disconnected'));
    return nc;
  }

  private async watchStatus(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      const state = connectionStateAfter(status.type);
      if (state && !nc.isClosed()) {
        this.state$.next(state);
      }
      const server = String(status.data);
      if (status.type === Events.Disconnect) {
        this.logger.warn(`Disconnected from NATS ${server}`);
        this.events.emit('disconnect', server);
      } else if (status.type === Events.Reconnect) {
        this.logger.log(`Reconnected to NATS ${server}`);
        this.events.emit('reconnect', server);
      }
    }
  }

  private async createOrUpdateStream(): Promise<void> {
    const jsm = await this.jetStreamManager();
    const config = streamConfig();
    const exists = await jsm.streams.info(STREAM_NAME).then(
      () => true,
      (error: unknown) => (apiErrorCode(error) === STREAM_NOT_FOUND ? false : Promise.reject(error)),
    );
    if (!exists) {
      try {
        await jsm.streams.add(config);
        return;
      } catch (addError) {
        await jsm.streams.update(STREAM_NAME, config).catch(() => Promise.reject(addError));
        return;
      }
    }
    // Retention and storage cannot change on an existing stream; the server rejects such an update.
    await jsm.streams.update(STREAM_NAME, config);
  }

  private async updateDurableConsumer(jsm: JetStreamManager, config: DurableConsumerConfig): Promise<void> {
    await jsm.consumers.update(STREAM_NAME, config.durable_name, {
      ack_wait: config.ack_wait,
      max_deliver: config.max_deliver,
    });
  }
}
