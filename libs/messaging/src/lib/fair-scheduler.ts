/** Gives a slot back; calling it again does nothing. */
export type ReleaseSlot = () => void;

type Grant = (release: ReleaseSlot) => void;

/**
 * Shares a handler's slots among queues (the partitions of a subject): while several queues wait, the slots go to
 * them in turn, so a queue of thousands of messages gets no more of them than a queue of one. A queue alone gets
 * every slot.
 */
export class FairScheduler<Queue> {
  private free: number;
  /** Who waits, per queue; the Map's order is the order of the turns. Never filled while a slot is free. */
  private readonly waiting = new Map<Queue, Grant[]>();

  constructor(slots: number) {
    this.free = slots;
  }

  acquire(queue: Queue): Promise<ReleaseSlot> {
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve(this.releaseOnce());
    }
    return new Promise((grant) => {
      const waiters = this.waiting.get(queue);
      if (waiters) {
        waiters.push(grant);
      } else {
        this.waiting.set(queue, [grant]);
      }
    });
  }

  private releaseOnce(): ReleaseSlot {
    let released = false;
    return () => {
      if (!released) {
        released = true;
        this.handOver();
      }
    };
  }

  /** The freed slot goes to the queue whose turn it is, which then moves to the back of the line. */
  private handOver(): void {
    const turn = this.waiting.entries().next();
    if (turn.done) {
      this.free += 1;
      return;
    }
    const [queue, [grant, ...others]] = turn.value;
    this.waiting.delete(queue);
    if (others.length > 0) {
      this.waiting.set(queue, others);
    }
    grant(this.releaseOnce());
  }
}
