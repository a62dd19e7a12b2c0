import { STREAM_NAME } from '@storebridge/contracts';
import { RunningNatsServer, startNatsServer } from '@storebridge/testing';
import { connect, JetStreamManager, NatsConnection } from 'nats';
import { MessagingTestApp } from './messaging-test.app';

export interface JetStreamTestBus {
  readonly natsUrl: string;
  /** A plain connection of the test itself, to publish or inspect as an outsider. */
  readonly observer: NatsConnection;
  readonly jsm: JetStreamManager;
  /** A new one per test, so no durable outlives its test. */
  readonly serviceName: string;
  /** The test's apps, closed after it. */
  readonly openApps: MessagingTestApp[];
}

/**
 * One nats-server -js for a spec file, and per test a fresh service name, its apps closed and the stream deleted
 * after it (limits retention keeps every message: a fresh stream keeps tests independent). Call it inside `describe`.
 */
export function useJetStreamTestBus(servicePrefix: string): JetStreamTestBus {
  let nats: RunningNatsServer | undefined;
  let observer: NatsConnection | undefined;
  let jsm: JetStreamManager | undefined;
  let testNumber = 0;
  const openApps: MessagingTestApp[] = [];
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) {
      throw new Error('The JetStream test bus starts in beforeAll');
    }
    return value;
  };

  beforeAll(async () => {
    nats = await startNatsServer();
    observer = await connect({ servers: nats.url });
    jsm = await observer.jetstreamManager();
  });

  afterAll(async () => {
    await observer?.close();
    await nats?.stop();
  });

  beforeEach(() => {
    testNumber += 1;
  });

  afterEach(async () => {
    await Promise.all(openApps.splice(0).map(({ app }) => app.close()));
    await jsm?.streams.delete(STREAM_NAME).catch(() => undefined);
  });

  return {
    get natsUrl() {
      return started(nats).url;
    },
    get observer() {
      return started(observer);
    },
    get jsm() {
      return started(jsm);
    },
    get serviceName() {
      return `${servicePrefix}${testNumber}`;
    },
    openApps,
  };
}
