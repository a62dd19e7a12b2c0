import { STREAM_NAME, STREAM_SUBJECTS } from '@storebridge/contracts';
import {
  AckPolicy,
  ConsumerConfig,
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  StreamConfig,
  nanos,
} from 'nats';
import { durableName } from './consumer-naming';
import { DUPLICATE_WINDOW_MS, STREAM_MAX_AGE_MS } from './messaging.options';

/**
 * Limits retention (not interest or work-queue): a message published before its consumer exists must
 * still be there when the consumer is created. File storage survives a server restart.
 */
export function streamConfig(): Partial<StreamConfig> & Pick<StreamConfig, 'name' | 'subjects'> {
  return {
    name: STREAM_NAME,
    subjects: [...STREAM_SUBJECTS],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(STREAM_MAX_AGE_MS),
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
  };
}

export type DurableConsumerConfig = Partial<ConsumerConfig> & {
  durable_name: string;
  filter_subject: string;
};

/** The durable pull consumer every replica of `serviceName` shares for `subject`. */
export function durableConsumerConfig(
  serviceName: string,
  subject: string,
  ackWaitMs: number,
): DurableConsumerConfig {
  return {
    durable_name: durableName(serviceName, subject),
    filter_subject: subject,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    // Never give up: a handler failing for hours (ShopiMind down) must still get the message afterwards.
    max_deliver: -1,
    ack_wait: nanos(ackWaitMs),
  };
}
