import { STREAM_NAME, Subjects } from '@storebridge/contracts';
import { expectEventually } from '@storebridge/testing';
import { useJetStreamTestBus } from '../test-fixtures/jetstream-test-bus';
import { createMessagingTestApp, MessagingTestApp } from '../test-fixtures/messaging-test.app';
import { CORRELATION_ID_HEADER, currentCorrelationId, runWithCorrelation } from './correlation';

const connectionId = '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('correlation ids through JetStream', () => {
  const bus = useJetStreamTestBus('corr');

  async function start(): Promise<MessagingTestApp> {
    const harness = await createMessagingTestApp({
      serviceName: bus.serviceName,
      natsUrl: bus.natsUrl,
      retryBackoff: { initialMs: 50, maxMs: 200 },
    });
    bus.openApps.push(harness);
    return harness;
  }

  it("stores the publisher's correlation id in the message headers and restores it for the handler", async () => {
    const { publisher, script } = await start();
    const seen: Array<string | undefined> = [];
    script.behaviour = () => {
      seen.push(currentCorrelationId());
    };

    await runWithCorrelation({ correlationId: 'gateway-req-1' }, () =>
      publisher.publish(Subjects.syncRequested, { connectionId, trigger: 'manual' }),
    );

    const stored = await bus.jsm.streams.getMessage(STREAM_NAME, { seq: 1 });
    expect(stored.header.get(CORRELATION_ID_HEADER)).toBe('gateway-req-1');
    await expectEventually(() => expect(script.completed).toHaveLength(1));
    expect(seen).toEqual(['gateway-req-1']);
  });

  it('gives a message published without the header a new id', async () => {
    const { script } = await start();
    const seen: Array<string | undefined> = [];
    script.behaviour = () => {
      seen.push(currentCorrelationId());
    };

    await bus.observer
      .jetstream()
      .publish(
        Subjects.syncRequested,
        new TextEncoder().encode(JSON.stringify({ connectionId, trigger: 'manual' })),
      );

    await expectEventually(() => expect(script.completed).toHaveLength(1));
    expect(seen[0]).toMatch(UUID);
  });
});
