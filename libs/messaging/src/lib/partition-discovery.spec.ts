import { partitionedSubject, Subjects } from '@storebridge/contracts';
import { nanos } from 'nats';
import { durableName } from './consumer-naming';
import { DurableState, planPartitions } from './partition-discovery';

const subject = Subjects.productsChanged;
const shopA = partitionedSubject(subject, 'a1b2c3d4-0000-4000-8000-00000000000a');
const shopB = partitionedSubject(subject, 'a1b2c3d4-0000-4000-8000-00000000000b');
const shopC = partitionedSubject(subject, 'a1b2c3d4-0000-4000-8000-00000000000c');
const ACK_WAIT_MS = 4_000;

function durable(filter: string, overrides: Partial<DurableState> = {}): DurableState {
  return {
    name: durableName('push', filter),
    config: { filter_subject: filter, ack_wait: nanos(ACK_WAIT_MS) },
    num_pending: 0,
    num_ack_pending: 0,
    ...overrides,
  };
}

describe('planPartitions', () => {
  it('creates the durable of a partition that has messages and none yet, and serves it', () => {
    const plan = planPartitions('push', subject, { [shopA]: 3, [shopB]: 1 }, [durable(shopA)], ACK_WAIT_MS);

    expect(plan.create).toEqual([shopB]);
    expect(plan.withWork).toEqual([shopB]);
  });

  it('serves the partitions with messages pending or awaiting their ack, the unpartitioned subject included', () => {
    const plan = planPartitions(
      'push',
      subject,
      { [shopA]: 5, [shopB]: 2, [shopC]: 1 },
      [
        durable(subject, { num_pending: 4 }),
        durable(shopA, { num_pending: 2 }),
        durable(shopB, { num_ack_pending: 1 }),
        durable(shopC),
      ],
      ACK_WAIT_MS,
    );

    expect(plan.withWork).toEqual([subject, shopA, shopB]);
    expect(plan.create).toEqual([]);
  });

  it('ignores the durables of other services and other subjects', () => {
    const ordersOfA = partitionedSubject(Subjects.ordersChanged, 'a1b2c3d4-0000-4000-8000-00000000000a');
    const plan = planPartitions(
      'push',
      subject,
      { [shopA]: 1 },
      [
        durable(shopA, { name: durableName('audit', shopA), num_pending: 1 }),
        durable(ordersOfA, { num_pending: 1 }),
        durable(Subjects.syncRequested, { num_pending: 1 }),
      ],
      ACK_WAIT_MS,
    );

    expect(plan.create).toEqual([shopA]);
    expect(plan.withWork).toEqual([shopA]);
    expect(plan.aged).toEqual([]);
  });

  it('drops the durable of a partition whose messages all aged out, never the unpartitioned one', () => {
    const plan = planPartitions(
      'push',
      subject,
      { [shopB]: 1 },
      [durable(subject), durable(shopA), durable(shopB), durable(shopC, { num_ack_pending: 1 })],
      ACK_WAIT_MS,
    );

    expect(plan.aged).toEqual([durableName('push', shopA)]);
  });

  it('updates the durables whose ack wait is not the configured one, except those about to be dropped', () => {
    const withOlderAckWait = (filter: string) => ({
      config: { filter_subject: filter, ack_wait: nanos(30_000) },
    });
    const plan = planPartitions(
      'push',
      subject,
      { [shopB]: 1, [shopC]: 2 },
      [
        durable(subject, withOlderAckWait(subject)),
        durable(shopA, withOlderAckWait(shopA)),
        durable(shopB, { ...withOlderAckWait(shopB), num_ack_pending: 1 }),
        durable(shopC),
      ],
      ACK_WAIT_MS,
    );

    expect(plan.outdated).toEqual([subject, shopB]);
    expect(plan.aged).toEqual([durableName('push', shopA)]);
    expect(plan.withWork).toEqual([shopB]);
  });
});
