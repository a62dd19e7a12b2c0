import { Logger } from '@nestjs/common';
import { ConsumerLifecycle } from './consumer-lifecycle';
import { PartitionPauses } from './partition-pauses';

describe('PartitionPauses', () => {
  let now: number;
  let pauses: PartitionPauses;

  beforeEach(() => {
    now = 1_000_000;
    pauses = new PartitionPauses(new ConsumerLifecycle(new Logger('test')), () => now);
  });

  it('pauses a partition only when the handler asked to wait, and only that partition', () => {
    pauses.pauseIfAsked('orders.a', { kind: 'retry', delayMs: 5_000 });
    pauses.pauseIfAsked('orders.b', { kind: 'retry', delayMs: 5_000, pausesQueue: true });
    pauses.pauseIfAsked('orders.c', { kind: 'ack' });

    expect(pauses.pausedMs('orders.a')).toBe(0);
    expect(pauses.pausedMs('orders.b')).toBe(5_000);
    expect(pauses.pausedMs('orders.c')).toBe(0);
  });

  it('keeps the longer of two pauses, and counts down to resuming', () => {
    pauses.pauseIfAsked('orders.a', { kind: 'retry', delayMs: 5_000, pausesQueue: true });
    pauses.pauseIfAsked('orders.a', { kind: 'retry', delayMs: 1_000, pausesQueue: true });

    now += 3_000;
    expect(pauses.pausedMs('orders.a')).toBe(2_000);
    now += 2_000;
    expect(pauses.pausedMs('orders.a')).toBe(0);
  });

  it('waits out a pause, and no longer once shutdown begins', async () => {
    const lifecycle = new ConsumerLifecycle(new Logger('test'));
    const sleep = jest.spyOn(lifecycle, 'sleep').mockImplementation(async (ms) => {
      now += ms;
    });
    const waiting = new PartitionPauses(lifecycle, () => now);
    waiting.pauseIfAsked('orders.a', { kind: 'retry', delayMs: 400, pausesQueue: true });

    await waiting.untilResumed('orders.a');
    // The margin lets the nak'd message come due before the partition pulls again.
    expect(sleep).toHaveBeenCalledWith(500);

    waiting.pauseIfAsked('orders.a', { kind: 'retry', delayMs: 400, pausesQueue: true });
    lifecycle.stopPulling();
    sleep.mockClear();
    await waiting.untilResumed('orders.a');
    expect(sleep).not.toHaveBeenCalled();
  });
});
