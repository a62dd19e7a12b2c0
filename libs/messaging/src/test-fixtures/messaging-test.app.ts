import { DynamicModule, INestApplication, Provider } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MessagePublisher } from '../lib/message-publisher';
import { MessagingModule } from '../lib/messaging.module';
import { MessagingModuleOptions } from '../lib/messaging.options';
import { MessagingTransport } from '../lib/messaging.transport';
import { ParkedMessageListener, ParkedMessageStore } from '../lib/parked-message.store';
import { FilteredRecordingController, HandlerScript, RecordingController } from './recording.controller';
import { RecordingLogger } from './recording.logger';

export interface MessagingTestApp {
  app: INestApplication;
  publisher: MessagePublisher;
  script: HandlerScript;
  logs: RecordingLogger;
  /** Registers the handlers (`startAllMicroservices`), for tests that publish before a consumer exists. */
  startConsuming(): Promise<void>;
}

/** Binds the dead-letter store the way the runtime does: from a global module. */
function parkedMessageStoreModule(store: ParkedMessageStore): DynamicModule {
  return {
    module: class ParkedMessageStoreTestModule {},
    global: true,
    providers: [{ provide: ParkedMessageStore, useValue: store }],
    exports: [ParkedMessageStore],
  };
}

/** A real Nest app wired like a service's main.ts: MessagingModule, a controller, the transport connected. */
export async function createMessagingTestApp(
  options: MessagingModuleOptions,
  {
    consume = true,
    exceptionFilter = true,
    controllers = [exceptionFilter ? FilteredRecordingController : RecordingController],
    parkedMessageStore,
    parkedMessageListeners = [],
  }: {
    consume?: boolean;
    exceptionFilter?: boolean;
    controllers?: Array<new (...args: never[]) => object>;
    /** Parking is on only with a store. */
    parkedMessageStore?: ParkedMessageStore;
    parkedMessageListeners?: ParkedMessageListener[];
  } = {},
): Promise<MessagingTestApp> {
  const listenerProviders: Provider[] = parkedMessageListeners.map((listener, index) => ({
    provide: `parked-message-listener-${index}`,
    useValue: listener,
  }));
  const moduleRef = await Test.createTestingModule({
    imports: [
      MessagingModule.forRoot(options),
      ...(parkedMessageStore ? [parkedMessageStoreModule(parkedMessageStore)] : []),
    ],
    controllers,
    providers: [HandlerScript, ...listenerProviders],
  }).compile();
  const logs = new RecordingLogger();
  const app = moduleRef.createNestApplication({ logger: logs });
  app.connectMicroservice({ strategy: app.get(MessagingTransport) });
  await app.init();
  const startConsuming = async (): Promise<void> => {
    await app.startAllMicroservices();
  };
  if (consume) {
    await startConsuming();
  }
  return { app, publisher: app.get(MessagePublisher), script: app.get(HandlerScript), logs, startConsuming };
}
