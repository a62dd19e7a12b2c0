import { STREAM_NAME } from '@storebridge/contracts';
import type { ConsumerInfo } from 'nats';
import { JetStreamConnection } from './jetstream.connection';
import { JetStreamTransport } from './jetstream.transport';
import { MessageParking } from './message-parking';
import { resolveMessagingOptions } from './messaging.options';

describe('JetStreamTransport.consumerBacklogs', () => {
  it("sums pending and ack-pending messages of this service's durables only, partitions included", async () => {
    const listed: string[] = [];
    const durables = [
      { name: 'push_storebridge_sync_products_changed_v1', num_pending: 5, num_ack_pending: 2 },
      { name: 'push_storebridge_sync_orders_changed_v1_abc', num_pending: 0, num_ack_pending: 1 },
      { name: 'sync_storebridge_sync_requested_v1', num_pending: 40, num_ack_pending: 0 },
    ] as ConsumerInfo[];
    const connection = {
      jetStreamManager: async () => ({
        consumers: {
          list: (stream: string) => {
            listed.push(stream);
            return (async function* () {
              yield* durables;
            })();
          },
        },
      }),
    } as unknown as JetStreamConnection;
    const transport = new JetStreamTransport(
      resolveMessagingOptions({ serviceName: 'push', natsUrl: 'nats://127.0.0.1:4222' }),
      connection,
      new MessageParking(5, undefined, () => []),
    );

    await expect(transport.consumerBacklogs()).resolves.toEqual([
      { consumer: 'push_storebridge_sync_products_changed_v1', pending: 7 },
      { consumer: 'push_storebridge_sync_orders_changed_v1_abc', pending: 1 },
    ]);
    expect(listed).toEqual([STREAM_NAME]);
  });
});
