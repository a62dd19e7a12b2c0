import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { durableName } from './consumer-naming';
import { InProcessBroker, InProcessSubscription } from './in-process.broker';
import { MessageParking } from './message-parking';
import { MessageDispatcher } from './message.dispatcher';
import { MESSAGING_OPTIONS, ResolvedMessagingOptions } from './messaging.options';
import { MessagingTransport, MessagingTransportEvents } from './messaging.transport';
import { settleWithin } from './shutdown';

/** Embedded mode: consumes the module's InProcessBroker with the JetStream transport's outcome rules. */
@Injectable()
export class InProcessTransport extends MessagingTransport implements OnModuleDestroy {
  protected override readonly logger = new Logger(InProcessTransport.name);
  private readonly dispatcher: MessageDispatcher;
  private subscriptions: InProcessSubscription[] = [];
  /** Settles once the deliveries running when delivery stopped have finished. */
  private readonly stopping: Array<Promise<void>> = [];

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
    private readonly broker: InProcessBroker,
    parking: MessageParking,
  ) {
    super();
    this.dispatcher = new MessageDispatcher(InProcessTransport.name, options.retryBackoff, parking);
  }

  listen(callback: (...optionalParams: unknown[]) => unknown): void {
    for (const { subject, handler, concurrency } of this.eventSubscriptions()) {
      const name = durableName(this.options.serviceName, subject);
      this.subscriptions.push(
        this.broker.subscribe(name, subject, concurrency, (delivery) =>
          this.dispatcher.dispatch(handler, delivery),
        ),
      );
    }
    this._status$.next('connected');
    callback();
  }

  /** Shutdown begins: take no new work while the rest of the app is torn down (Nest closes transports later). */
  onModuleDestroy(): void {
    this.stopDelivering();
  }

  async close(): Promise<void> {
    this.stopDelivering();
    if (!(await settleWithin(this.stopping, this.options.shutdownTimeoutMs))) {
      this.logger.warn(`Handlers still running after ${this.options.shutdownTimeoutMs} ms at shutdown`);
    }
    this._status$.next('disconnected');
  }

  /** The in-process bus never disconnects, so no event is ever emitted. */
  on<
    EventKey extends keyof MessagingTransportEvents,
    EventCallback extends MessagingTransportEvents[EventKey],
  >(_event: EventKey, _callback: EventCallback): void {
    return;
  }

  /** The InProcessBroker. */
  unwrap<T>(): T {
    return this.broker as unknown as T;
  }

  private stopDelivering(): void {
    this.stopping.push(...this.subscriptions.map((subscription) => subscription.stop()));
    this.subscriptions = [];
  }
}
