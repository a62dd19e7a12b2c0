import { DynamicModule, Module, Provider } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { InProcessBroker } from './in-process.broker';
import { InProcessPublisher } from './in-process.publisher';
import { InProcessTransport } from './in-process.transport';
import { JetStreamConnection } from './jetstream.connection';
import { JetStreamPublisher } from './jetstream.publisher';
import { JetStreamTransport } from './jetstream.transport';
import { MessageParking } from './message-parking';
import { MessagePublisher } from './message-publisher';
import {
  MESSAGING_OPTIONS,
  MessagingModuleOptions,
  ResolvedMessagingOptions,
  resolveMessagingOptions,
} from './messaging.options';
import { MessagingTransport } from './messaging.transport';
import { ParkedMessageListener, ParkedMessageStore } from './parked-message.store';

function transportProviders(options: ResolvedMessagingOptions): Provider[] {
  if (options.natsUrl) {
    return [
      JetStreamConnection,
      { provide: MessagePublisher, useClass: JetStreamPublisher },
      { provide: MessagingTransport, useClass: JetStreamTransport },
    ];
  }
  // One broker per module instance: the publisher and the transport of this app share it.
  return [
    InProcessBroker,
    { provide: MessagePublisher, useClass: InProcessPublisher },
    { provide: MessagingTransport, useClass: InProcessTransport },
  ];
}

/**
 * Parking needs a ParkedMessageStore bound by a global module (the runtime binds the database's); the listeners
 * are whichever providers of the app extend ParkedMessageListener, looked up when a message is parked.
 */
const parkingProvider: Provider = {
  provide: MessageParking,
  inject: [MESSAGING_OPTIONS, DiscoveryService, { token: ParkedMessageStore, optional: true }],
  useFactory: (
    options: ResolvedMessagingOptions,
    discovery: DiscoveryService,
    store: ParkedMessageStore | undefined,
  ) =>
    new MessageParking(options.parkAfterSameFailures, store ?? undefined, () =>
      discovery
        .getProviders()
        .map((wrapper): unknown => wrapper.instance)
        .filter((instance): instance is ParkedMessageListener => instance instanceof ParkedMessageListener),
    ),
};

@Module({})
export class MessagingModule {
  /** JetStream when `natsUrl` is set, the in-process bus otherwise; exports MessagePublisher and MessagingTransport. */
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    const resolved = resolveMessagingOptions(options);
    return {
      module: MessagingModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: resolved },
        parkingProvider,
        ...transportProviders(resolved),
      ],
      exports: [MessagePublisher, MessagingTransport],
    };
  }
}
