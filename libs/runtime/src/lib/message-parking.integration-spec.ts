import { Controller, INestApplication, Injectable, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { STREAM_NAME, Subjects, SyncRequestedEvent } from '@storebridge/contracts';
import {
  durableName,
  MESSAGING_TRANSPORT,
  MessagePublisher,
  MessagingExceptionFilter,
  MessagingTransport,
  ParkedFailure,
  ParkedMessageListener,
  RpcValidationPipe,
} from '@storebridge/messaging';
import { ParkedMessageEntity } from '@storebridge/persistence';
import { expectEventually, RunningNatsServer, startNatsServer, testDatabaseUrl } from '@storebridge/testing';
import { connect, NatsConnection } from 'nats';
import { DataSource, QueryFailedError } from 'typeorm';
import { ServiceRuntimeModule } from './service-runtime.module';

const SERVICE_NAME = 'parking';
const CREDENTIALS_KEY = 'a'.repeat(64);
const connectionId = '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f';

/** A handler whose mirror write PostgreSQL refuses every time, as it refuses a NUL in text. */
@Controller()
@UseFilters(MessagingExceptionFilter)
class NulRefusingHandler {
  deliveries = 0;

  @EventPattern(Subjects.syncRequested, MESSAGING_TRANSPORT)
  async handle(@Payload(RpcValidationPipe) _event: SyncRequestedEvent): Promise<void> {
    this.deliveries += 1;
    const driverError = Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' });
    throw new QueryFailedError(
      'INSERT INTO "store_products" VALUES ($1)',
      ['secret\u0000value'],
      driverError,
    );
  }
}

@Injectable()
class RecordingSyncRequestListener extends ParkedMessageListener {
  readonly subject = Subjects.syncRequested;
  readonly calls: Array<{ payload: unknown; failure: ParkedFailure }> = [];

  async onParked(payload: unknown, failure: ParkedFailure): Promise<void> {
    this.calls.push({ payload, failure });
  }
}

describe('parking a poison message (JetStream and PostgreSQL)', () => {
  let nats: RunningNatsServer;
  let observer: NatsConnection;
  let app: INestApplication;

  beforeAll(async () => {
    nats = await startNatsServer();
    observer = await connect({ servers: nats.url });
  });

  afterAll(async () => {
    await observer.close();
    await nats.stop();
  });

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ServiceRuntimeModule.forRoot({
          serviceName: SERVICE_NAME,
          env: {
            DATABASE_URL: testDatabaseUrl(),
            DATA_DIR: './data',
            NATS_URL: nats.url,
            LOG_LEVEL: 'log',
            CREDENTIALS_KEY,
          },
          messaging: { retryBackoff: { initialMs: 50, maxMs: 200 }, parkAfterSameFailures: 5 },
        }),
      ],
      controllers: [NulRefusingHandler],
      providers: [RecordingSyncRequestListener],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.connectMicroservice({ strategy: app.get(MessagingTransport) });
    await app.init();
    await app.startAllMicroservices();
    await app.get(DataSource).getRepository(ParkedMessageEntity).clear();
  });

  afterEach(() => app.close());

  it('parks a message its handler fails the same way 5 times, stops redelivering it and tells its listener', async () => {
    const event: SyncRequestedEvent = { connectionId, trigger: 'manual' };
    await app.get(MessagePublisher).publish(Subjects.syncRequested, event);

    const parked = app.get(DataSource).getRepository(ParkedMessageEntity);
    await expectEventually(async () => expect(await parked.count()).toBe(1));
    const [row] = await parked.find();
    expect(row).toMatchObject({
      subject: Subjects.syncRequested,
      streamSequence: 1,
      payload: JSON.stringify(event),
      errorName: 'QueryFailedError',
      errorCode: '22P05',
      errorMessage: 'INSERT INTO "store_products": unsupported Unicode escape sequence',
      attempts: 5,
    });
    expect(row.lastFailedAt.getTime()).toBeGreaterThan(row.firstFailedAt.getTime());
    expect(JSON.stringify(row)).not.toContain('secret');

    const jsm = await observer.jetstreamManager();
    const durable = durableName(SERVICE_NAME, Subjects.syncRequested);
    await expectEventually(async () => {
      const info = await jsm.consumers.info(STREAM_NAME, durable);
      expect(info.ack_floor.stream_seq).toBe(1);
      expect(info.num_ack_pending).toBe(0);
      expect(info.num_pending).toBe(0);
    });
    expect(app.get(NulRefusingHandler).deliveries).toBe(5);
    expect(app.get(RecordingSyncRequestListener).calls).toEqual([
      {
        payload: event,
        failure: {
          name: 'QueryFailedError',
          code: '22P05',
          message: 'INSERT INTO "store_products": unsupported Unicode escape sequence',
          attempts: 5,
        },
      },
    ]);
  });
});
