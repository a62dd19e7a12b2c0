import { ReplaySubject } from 'rxjs';
import { JetStreamConnection } from './jetstream.connection';
import { JetStreamTransport } from './jetstream.transport';
import { MessageParking } from './message-parking';
import { MessagingTransportStatus } from './messaging.transport';
import { resolveMessagingOptions } from './messaging.options';

describe('JetStreamTransport status', () => {
  function setUp() {
    // Replays its latest state, as JetStreamConnection.state does.
    const linkState = new ReplaySubject<MessagingTransportStatus>(1);
    let streamCreated: () => void = () => undefined;
    const connection = {
      state: linkState.asObservable(),
      ensureStream: () => new Promise<void>((resolve) => (streamCreated = resolve)),
    } as unknown as JetStreamConnection;
    const transport = new JetStreamTransport(
      resolveMessagingOptions({ serviceName: 'unit', natsUrl: 'nats://127.0.0.1:4222' }),
      connection,
      new MessageParking(5, undefined, () => []),
    );
    const statuses: MessagingTransportStatus[] = [];
    transport.status.subscribe((status) => statuses.push(status));
    return { transport, linkState, statuses, streamCreated: () => streamCreated() };
  }

  function listening(transport: JetStreamTransport): Promise<unknown> {
    return new Promise((resolve) => transport.listen(resolve));
  }

  it('is connected only once started, and then as long as the NATS link is', async () => {
    const { transport, linkState, statuses, streamCreated } = setUp();
    const started = listening(transport);
    linkState.next('connected');
    expect(statuses).toEqual([]);

    streamCreated();
    await started;
    expect(statuses).toEqual(['connected']);
    linkState.next('disconnected');
    linkState.next('reconnecting');
    linkState.next('connected');

    expect(statuses).toEqual(['connected', 'disconnected', 'reconnecting', 'connected']);
    await transport.close();
  });

  it('is disconnected once closed, whatever the link does after', async () => {
    const { transport, linkState, statuses, streamCreated } = setUp();
    const started = listening(transport);
    streamCreated();
    await started;
    linkState.next('connected');

    await transport.close();
    linkState.next('reconnecting');
    linkState.next('connected');

    expect(statuses).toEqual(['connected', 'disconnected']);
  });
});
