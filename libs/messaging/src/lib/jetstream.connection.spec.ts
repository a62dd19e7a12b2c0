import { DebugEvents, Events, NatsConnection, Status, connect } from 'nats';
import { JetStreamConnection } from './jetstream.connection';
import { MessagingTransportStatus } from './messaging.transport';
import { resolveMessagingOptions } from './messaging.options';

jest.mock('nats', () => ({ ...jest.requireActual<typeof import('nats')>('nats'), connect: jest.fn() }));

/** A NatsConnection whose status events and closing the test drives. */
function fakeNatsConnection() {
  const pending: Status[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  let markClosed: () => void = () => undefined;
  const closedPromise = new Promise<void>((resolve) => (markClosed = resolve));
  async function* status(): AsyncGenerator<Status> {
    for (;;) {
      const next = pending.shift();
      if (next) {
        yield next;
      } else if (closed) {
        return;
      } else {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
  }
  const nc = {
    status,
    closed: () => closedPromise,
    isClosed: () => closed,
    jetstream: jest.fn(),
    jetstreamManager: jest.fn(),
  } as unknown as NatsConnection;
  return {
    nc,
    emit(type: Status['type']) {
      pending.push({ type, data: 'nats://127.0.0.1:4222' });
      wake?.();
    },
    close() {
      closed = true;
      markClosed();
      wake?.();
    },
  };
}

async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

describe('JetStreamConnection state', () => {
  const options = resolveMessagingOptions({ serviceName: 'unit', natsUrl: 'nats://127.0.0.1:4222' });

  async function connected() {
    const fake = fakeNatsConnection();
    jest.mocked(connect).mockResolvedValueOnce(fake.nc);
    const connection = new JetStreamConnection(options);
    const states: MessagingTransportStatus[] = [];
    connection.state.subscribe((state) => states.push(state));
    await connection.connection();
    return { fake, states, connection };
  }

  it('keeps reconnecting every half second, so a broker restart is over for it within a second', async () => {
    await connected();

    expect(connect).toHaveBeenLastCalledWith(
      expect.objectContaining({ maxReconnectAttempts: -1, reconnectTimeWait: 500 }),
    );
  });

  it('builds no stack trace per request: a publish costs its PubAck, not an Error', async () => {
    await connected();

    expect(connect).toHaveBeenLastCalledWith(expect.objectContaining({ noAsyncTraces: true }));
  });

  it('gives JetStream requests 2 s: one lost in a broker restart fails, and is retried, within seconds', async () => {
    const { fake, connection } = await connected();

    await connection.jetStream();
    await connection.jetStreamManager();

    expect(fake.nc.jetstream).toHaveBeenCalledWith({ timeout: 2_000 });
    expect(fake.nc.jetstreamManager).toHaveBeenCalledWith({ timeout: 2_000 });
  });

  it('has no state before connecting', () => {
    const states: MessagingTransportStatus[] = [];
    new JetStreamConnection(options).state.subscribe((state) => states.push(state));

    expect(states).toEqual([]);
  });

  it('follows the link through a server outage and back', async () => {
    const { fake, states } = await connected();
    expect(states).toEqual(['connected']);

    fake.emit(Events.Disconnect);
    fake.emit(DebugEvents.Reconnecting);
    fake.emit(DebugEvents.PingTimer);
    fake.emit(Events.Reconnect);
    await settle();

    expect(states).toEqual(['connected', 'disconnected', 'reconnecting', 'connected']);
  });

  it('ignores events that say nothing about the link', async () => {
    const { fake, states } = await connected();

    fake.emit(Events.Error);
    fake.emit(Events.Update);
    fake.emit(Events.LDM);
    await settle();

    expect(states).toEqual(['connected']);
  });

  it('is disconnected once the connection is closed', async () => {
    const { fake, states } = await connected();

    fake.close();
    await settle();

    expect(states).toEqual(['connected', 'disconnected']);
  });
});
