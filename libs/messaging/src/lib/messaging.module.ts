import { DynamicModule, Module, Provider } from '@nestjs/common';
import { InProcessBroker } from './in-process.broker';
import { InProcessPublisher } from './in-process.publisher';
import { InProcessTransport } from './in-process.transport';
import { JetStreamConnection } from './jetstream.connection';
import { JetStreamPublisher } from './jetstream.publisher';
import { JetStreamTransport } from './jetstream.transport';
import { MessagePublisher } from './message-publisher';
import {
  MESSAGING_OPTIONS,
  MessagingModuleOptions,
  ResolvedMessagingOptions,
  resolveMessagingOptions,
} from './messaging.options';
import { MessagingTransport } from './messaging.transport';

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

@Module({})
export class MessagingModule {
  /** JetStream when `natsUrl` is set, the in-process bus otherwise; exports MessagePublisher and MessagingTransport. */
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    const resolved = resolveMessagingOptions(options);
    return {
      module: MessagingModule,
      global: true,
      providers: [{ provide: MESSAGING_OPTIONS, useValue: resolved }, ...transportProviders(resolved)],
      exports: [MessagePublisher, MessagingTransport],
    };
  }
}
