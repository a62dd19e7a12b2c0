import { Logger } from '@nestjs/common';
import { PulledMessages } from './pulling';

/**
 * Whether the transport still pulls. At shutdown it ends the open pulls and wakes the sleeping loops; meanwhile it
 * keeps the running handlers, so shutdown can wait for them.
 */
export class ConsumerLifecycle {
  private stopped = false;
  private readonly openPulls = new Set<PulledMessages>();
  private readonly running = new Set<Promise<void>>();
  private readonly wakeUps = new Set<() => void>();

  constructor(private readonly logger: Logger) {}

  get stopping(): boolean {
    return this.stopped;
  }

  /** The handler runs not finished yet. */
  get inFlight(): ReadonlySet<Promise<void>> {
    return this.running;
  }

  /**
   * Stops pulling. A message the server sent in the same instant (its pull was already answered) arrives
   * after the unsubscribe and is redelivered once its ack wait expires: delayed, never lost.
   */
  stopPulling(): void {
    if (this.stopped) {
      return;
    }
    this.stopped = true;
    for (const wakeUp of [...this.wakeUps]) {
      wakeUp();
    }
    for (const messages of this.openPulls) {
      messages.stop();
    }
  }

  /** A pull to end at shutdown, until `closePull`. */
  openPull(messages: PulledMessages): void {
    this.openPulls.add(messages);
  }

  /** Forgets the pull and stops it (stopping it twice does nothing). */
  closePull(messages: PulledMessages): void {
    this.openPulls.delete(messages);
    messages.stop();
  }

  /** Keeps a handler run until it ends, logging it if it crashes. */
  track(work: Promise<unknown>): void {
    const tracked: Promise<void> = work
      .then(
        () => undefined,
        (error: unknown) => this.logger.error(`Message processing crashed: ${String(error)}`),
      )
      .finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  /** Sleeps `ms`, or until pulling stops. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) {
        resolve();
        return;
      }
      const wakeUp = () => {
        clearTimeout(timer);
        this.wakeUps.delete(wakeUp);
        resolve();
      };
      const timer = setTimeout(wakeUp, ms);
      this.wakeUps.add(wakeUp);
    });
  }
}
