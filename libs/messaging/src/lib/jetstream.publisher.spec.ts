import { Subjects, type SyncRequestedEvent } from '@storebridge/contracts';
import type { JetStreamClient } from 'nats';
import type { JetStreamConnection } from './jetstream.connection';
import { JetStreamPublisher } from './jetstream.publisher';

const connectionId = '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f';

const syncRequested: SyncRequestedEvent = { connectionId, trigger: 'manual' };

describe('JetStreamPublisher', () => {
  it('hands the publishes asked for in one turn to the NATS client together, in the next turn', async () => {
    const published: string[] = [];
    const client = {
      publish: jest.fn(async (subject: string) => {
        published.push(subject);
        return { stream: 'STOREBRIDGE', seq: published.length, duplicate: false };
      }),
    };
    const connection = { jetStream: async () => client as unknown as JetStreamClient };
    const publisher = new JetStreamPublisher(connection as unknown as JetStreamConnection);

    const publishes = [1, 2, 3].map(() => publisher.publish(Subjects.syncRequested, syncRequested));
    for (let hop = 0; hop < 10; hop += 1) {
      await Promise.resolve();
    }
    expect(client.publish).not.toHaveBeenCalled();
    // Runs after the publisher's turn, before any later one: by then all three were handed over.
    const handedOverByThen = await new Promise<number>((resolve) =>
      setImmediate(() => resolve(client.publish.mock.calls.length)),
    );

    expect(handedOverByThen).toBe(3);
    await Promise.all(publishes);
    await publisher.publish(Subjects.syncRequested, syncRequested);
    expect(client.publish).toHaveBeenCalledTimes(4);
  });
});
