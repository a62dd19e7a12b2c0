import { STREAM_NAME } from '@storebridge/contracts';
import { AckPolicy, DeliverPolicy, RetentionPolicy, StorageType, nanos } from 'nats';
import { durableName } from './consumer-naming';
import { durableConsumerConfig, streamConfig } from './jetstream.config';
import { resolveMessagingOptions } from './messaging.options';

const connectionId = '7a0e3c51-3b8e-4f4c-9f3e-2a1b0c9d8e7f';

describe('JetStream configuration', () => {
  it('names a durable after the service and the subject', () => {
    expect(durableName('push', 'storebridge.sync.products.changed.v1')).toBe(
      'push_storebridge_sync_products_changed_v1',
    );
  });

  it('refuses a wildcard subject, which cannot name a durable', () => {
    expect(() => durableName('push', 'storebridge.>')).toThrow(/concrete subject/);
  });

  it('keeps messages by limits, on file, for 7 days, de-duplicating over 2 minutes', () => {
    expect(streamConfig()).toMatchObject({
      name: STREAM_NAME,
      subjects: ['storebridge.>'],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: nanos(7 * 24 * 3_600_000),
      duplicate_window: nanos(120_000),
    });
  });

  it('declares an explicit-ack pull durable that never gives up on a message', () => {
    expect(durableConsumerConfig('sync', 'storebridge.sync.requested.v1', 30_000)).toEqual({
      durable_name: 'sync_storebridge_sync_requested_v1',
      filter_subject: 'storebridge.sync.requested.v1',
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      max_deliver: -1,
      ack_wait: nanos(30_000),
    });
  });

  it.each(['', 'push.v1', 'push service', 'push>'])('rejects the service name %j', (serviceName) => {
    expect(() => resolveMessagingOptions({ serviceName })).toThrow(/serviceName/);
  });

  it('applies the documented defaults', () => {
    expect(resolveMessagingOptions({ serviceName: 'push' })).toEqual({
      serviceName: 'push',
      natsUrl: undefined,
      retryBackoff: { initialMs: 1_000, maxMs: 60_000 },
      ackWaitMs: 4_000,
      shutdownTimeoutMs: 25_000,
      partitionDiscoveryMs: 1_000,
      parkAfterSameFailures: 5,
    });
  });

  it.each([0, 2.5, Number.NaN])('rejects parking after %p same failures', (parkAfterSameFailures) => {
    expect(() => resolveMessagingOptions({ serviceName: 'push', parkAfterSameFailures })).toThrow(
      /parkAfterSameFailures must be a positive integer/,
    );
  });

  it('names the durable of a partition after its subject: the subject durable, then the key', () => {
    expect(durableName('push', `storebridge.sync.products.changed.v1.${connectionId}`)).toBe(
      `push_storebridge_sync_products_changed_v1_${connectionId}`,
    );
  });

  it.each([0, -1, Number.NaN])('rejects a partition discovery interval of %p', (partitionDiscoveryMs) => {
    expect(() => resolveMessagingOptions({ serviceName: 'push', partitionDiscoveryMs })).toThrow(
      /partitionDiscoveryMs must be a positive number/,
    );
  });
});
