import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MessagePublisher } from '../lib/message-publisher';
import { MessagingModule } from '../lib/messaging.module';
import { MessagingModuleOptions } from '../lib/messaging.options';
import { MessagingTransport } from '../lib/messaging.transport';
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

/** A real Nest app wired like a service's main.ts: MessagingModule, a controller, the transport connected. */
export async function createMessagingTestApp(
  options: MessagingModuleOptions,
  {
    consume = true,
    exceptionFilter = true,
    controllers = [exceptionFilter ? FilteredRecordingController : RecordingController],
  }: {
    consume?: boolean;
    exceptionFilter?: boolean;
    controllers?: Array<new (...args: never[]) => object>;
  } = {},
): Promise<MessagingTestApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [MessagingModule.forRoot(options)],
    controllers,
    providers: [HandlerScript],
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
