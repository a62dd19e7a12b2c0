import { PartitionedSubject, partitionKeyIn, partitionsOf, STREAM_NAME } from '@storebridge/contracts';
import { ConsumerInfo, nanos } from 'nats';
import { durableName } from './consumer-naming';
import { durableConsumerConfig } from './jetstream.config';
import { JetStreamConnection } from './jetstream.connection';

/** What discovery reads of a durable (a slice of ConsumerInfo). */
export interface DurableState {
  name: string;
  /** ack_wait in nanoseconds. */
  config: { filter_subject?: string; ack_wait?: number };
  num_pending: number;
  num_ack_pending: number;
}

export interface PartitionPlan {
  /** Partitions (their filter subjects) with messages in the stream and no durable yet. */
  create: string[];
  /** Partitions with messages to deliver, or delivered and not acked yet (they come back to a pull if nak'd). */
  withWork: string[];
  /** Durables of partitions whose messages have all aged out of the stream: nothing left to consume. */
  aged: string[];
  /** Partitions whose durable has another ack wait than the configured one (created by an older version). */
  outdated: string[];
}

/**
 * One round of discovery for `subject`, from the stream's message counts per partition subject and the durables.
 * The partitions are `<subject>.<key>`, and `subject` itself: messages published before the subject was
 * partitioned (or by a replica not upgraded yet) are still consumed, as one more queue.
 */
export function planPartitions(
  serviceName: string,
  subject: PartitionedSubject,
  messagesPerSubject: Readonly<Record<string, number>>,
  durables: readonly DurableState[],
  ackWaitMs: number,
): PartitionPlan {
  const isPartition = (filter: string) => filter === subject || partitionKeyIn(subject, filter) !== undefined;
  const ours = durables.flatMap((durable) => {
    const filter = durable.config.filter_subject;
    return filter !== undefined && isPartition(filter) && durable.name === durableName(serviceName, filter)
      ? [
          {
            filter,
            name: durable.name,
            unsettled: durable.num_pending + durable.num_ack_pending,
            ackWait: durable.config.ack_wait,
          },
        ]
      : [];
  });
  const consumed = new Set(ours.map(({ filter }) => filter));
  const create = Object.keys(messagesPerSubject).filter(
    (filter) => isPartition(filter) && !consumed.has(filter),
  );
  const withWork = ours.filter(({ unsettled }) => unsettled > 0).map(({ filter }) => filter);
  const aged = ours
    .filter(
      ({ filter, unsettled }) =>
        filter !== subject && !Object.hasOwn(messagesPerSubject, filter) && unsettled === 0,
    )
    .map(({ name }) => name);
  const agedNames = new Set(aged);
  const outdated = ours
    .filter(({ name, ackWait }) => ackWait !== nanos(ackWaitMs) && !agedNames.has(name))
    .map(({ filter }) => filter);
  return { create, withWork: [...withWork, ...create], aged, outdated };
}

/** Finds the partitions of partitioned subjects, keeping one durable per partition that has messages. */
export class PartitionDiscovery {
  constructor(
    private readonly connection: JetStreamConnection,
    private readonly serviceName: string,
    private readonly ackWaitMs: number,
  ) {}

  /** The partitions with work, per subject, after creating the durables of new partitions. */
  async discover(subjects: readonly PartitionedSubject[]): Promise<Map<PartitionedSubject, string[]>> {
    const jsm = await this.connection.jetStreamManager();
    // The durables first, then the stream: a partition whose stream subject is empty now had nothing
    // pending a moment ago either, so its durable can go (one created again later delivers all that is new).
    const durables: ConsumerInfo[] = [];
    for await (const durable of jsm.consumers.list(STREAM_NAME)) {
      durables.push(durable);
    }
    const partitions = new Map<PartitionedSubject, string[]>();
    for (const subject of subjects) {
      const { state } = await jsm.streams.info(STREAM_NAME, { subjects_filter: partitionsOf(subject) });
      const plan = planPartitions(this.serviceName, subject, state.subjects ?? {}, durables, this.ackWaitMs);
      // Creates the new durables and gives those of an older version the configured ack wait.
      for (const filter of [...plan.create, ...plan.outdated]) {
        await this.connection.ensureDurableConsumer(
          durableConsumerConfig(this.serviceName, filter, this.ackWaitMs),
        );
      }
      for (const name of plan.aged) {
        // Another replica may have deleted it first; one still there is tried again next round.
        await jsm.consumers.delete(STREAM_NAME, name).catch(() => false);
      }
      partitions.set(subject, plan.withWork);
    }
    return partitions;
  }
}
