import { DeliveryOutcome } from '../message.dispatcher';
import { ConsumerLifecycle } from './consumer-lifecycle';

/**
 * A paused partition pulls again this long after its nak'd messages are due: the server hands out due
 * redeliveries first, so the messages that paused it, not new ones, probe whether it can go on.
 */
const RESUME_MARGIN_MS = 100;

/**
 * The pauses of the partitions of one subject. A handler's RetryLaterError (its installation is inactive) pauses
 * its partition only: the partition pulls nothing for the delay, so its other messages wait in the stream, and
 * only the message that came back probes it again.
 */
export class PartitionPauses {
  /** When (epoch ms) the messages that paused a partition are due again, by filter subject. */
  private readonly pausedUntil = new Map<string, number>();

  constructor(
    private readonly lifecycle: Pick<ConsumerLifecycle, 'stopping' | 'sleep'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Pauses the partition when the handler asked for it; a longer pause already running stays. */
  pauseIfAsked(partition: string, outcome: DeliveryOutcome): void {
    if (outcome.kind === 'retry' && outcome.pausesQueue) {
      const until = this.now() + outcome.delayMs;
      this.pausedUntil.set(partition, Math.max(until, this.pausedUntil.get(partition) ?? 0));
    }
  }

  /** How long the partition stays paused; 0 when it is not. */
  pausedMs(partition: string): number {
    const until = this.pausedUntil.get(partition);
    if (until === undefined) {
      return 0;
    }
    const left = until - this.now();
    if (left <= 0) {
      this.pausedUntil.delete(partition);
    }
    return Math.max(0, left);
  }

  /** Waits out the partition's pause, longer if its running messages extend it meanwhile, or until shutdown. */
  async untilResumed(partition: string): Promise<void> {
    let pausedMs = this.pausedMs(partition);
    while (pausedMs > 0 && !this.lifecycle.stopping) {
      await this.lifecycle.sleep(pausedMs + RESUME_MARGIN_MS);
      pausedMs = this.pausedMs(partition);
    }
  }
}
