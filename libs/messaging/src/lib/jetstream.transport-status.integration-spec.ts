import { pollUntil, RunningNatsServer, startNatsServer } from '@storebridge/testing';
import { createMessagingTestApp, MessagingTestApp } from '../test-fixtures/messaging-test.app';
import { MessagingTransport, MessagingTransportStatus } from './messaging.transport';

// halt() and restart() keep the server's JetStream store, as a broker restart would.
describe('JetStream transport status through a nats-server outage', () => {
  let nats: RunningNatsServer;
  let harness: MessagingTestApp | undefined;
  const statuses: MessagingTransportStatus[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
  });

  afterAll(async () => {
    await harness?.app.close();
    await nats?.stop();
  });

  it('leaves connected while the server is down and comes back once it is up again', async () => {
    harness = await createMessagingTestApp({ serviceName: 'status', natsUrl: nats.url });
    harness.app.get(MessagingTransport).status.subscribe((status) => statuses.push(status));
    expect(statuses).toEqual(['connected']);

    await nats.halt();
    await pollUntil(() => statuses.at(-1) !== 'connected', { description: 'the status to leave connected' });
    expect(['disconnected', 'reconnecting']).toContain(statuses.at(-1));

    await nats.restart();
    await pollUntil(() => statuses.at(-1) === 'connected', {
      timeoutMs: 20_000,
      description: 'the status to be connected again',
    });
  });
});
