import { Logger } from '@nestjs/common';
import { failureFingerprint, FailureSummary, summarizeFailure } from './failure-classification';
import { ParkedMessageListener, ParkedMessageStore } from './parked-message.store';

/** One message as delivered, what parking needs of it. */
export interface ParkableMessage {
  subject: string;
  sequence: number;
  /** The payload's text. */
  data: string;
}

interface FailureStreak {
  fingerprint: string;
  summary: FailureSummary;
  count: number;
  firstFailedAt: Date;
  lastFailedAt: Date;
  /** Stored already: only its listeners failed, and are run again. */
  stored: boolean;
}

/** Messages whose failures are remembered at once; beyond that the oldest streak is forgotten (it restarts). */
const MAX_TRACKED_MESSAGES = 10_000;

/**
 * Parks a message whose handler failed the same way (see failureFingerprint) `afterSameFailures` times in a row:
 * stores it as a dead letter, tells the listeners of its subject, and lets the transport terminate it. The
 * streaks live in this process only: a restart, or a redelivery to another replica, starts counting again.
 * Availability failures must not be reported here (see isAvailabilityFailure).
 */
export class MessageParking {
  private readonly logger = new Logger(MessageParking.name);
  private readonly streaks = new Map<string, FailureStreak>();

  constructor(
    private readonly afterSameFailures: number,
    private readonly store: ParkedMessageStore | undefined,
    private readonly listeners: () => readonly ParkedMessageListener[],
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The message was handled or dropped: its streak ends. */
  forget(message: Pick<ParkableMessage, 'subject' | 'sequence'>): void {
    this.streaks.delete(keyOf(message));
  }

  /**
   * Counts a failure of one message (never of a merged group); true once the message is parked and can be
   * terminated. False while it has failed fewer times the same way, or when parking it failed (retried later).
   */
  async onFailure(message: ParkableMessage, payload: unknown, error: unknown): Promise<boolean> {
    if (!this.store) {
      return false;
    }
    const streak = this.count(message, summarizeFailure(error));
    if (streak.count < this.afterSameFailures) {
      return false;
    }
    const where = `${message.subject} (sequence ${message.sequence})`;
    const failure = { ...streak.summary, attempts: streak.count };
    try {
      if (!streak.stored) {
        await this.store.park({
          subject: message.subject,
          sequence: message.sequence,
          payload: message.data,
          failure,
          firstFailedAt: streak.firstFailedAt,
          lastFailedAt: streak.lastFailedAt,
        });
        streak.stored = true;
        this.logger.error(
          `Parked message on ${where} after ${streak.count} identical failures: ${describe(streak.summary)}`,
        );
      }
      for (const listener of this.listenersOf(message.subject)) {
        await listener.onParked(payload, failure);
      }
    } catch (parkingError) {
      this.logger.warn(
        `Could not park the message on ${where}, redelivering it: ${describe(summarizeFailure(parkingError))}`,
      );
      return false;
    }
    this.streaks.delete(keyOf(message));
    return true;
  }

  private count(message: ParkableMessage, summary: FailureSummary): FailureStreak {
    const key = keyOf(message);
    const fingerprint = failureFingerprint(summary);
    const at = this.now();
    const previous = this.streaks.get(key);
    const streak: FailureStreak =
      previous?.fingerprint === fingerprint
        ? { ...previous, summary, count: previous.count + 1, lastFailedAt: at }
        : { fingerprint, summary, count: 1, firstFailedAt: at, lastFailedAt: at, stored: false };
    // Re-inserted so the map's order stays least recently failed first.
    this.streaks.delete(key);
    this.streaks.set(key, streak);
    if (this.streaks.size > MAX_TRACKED_MESSAGES) {
      const [oldest] = this.streaks.keys();
      this.streaks.delete(oldest);
    }
    return streak;
  }

  private listenersOf(subject: string): ParkedMessageListener[] {
    return this.listeners().filter(
      (listener) => subject === listener.subject || subject.startsWith(`${listener.subject}.`),
    );
  }
}

function keyOf({ subject, sequence }: Pick<ParkableMessage, 'subject' | 'sequence'>): string {
  return `${subject}#${sequence}`;
}

function describe({ name, code, message }: FailureSummary): string {
  return `${name}${code === undefined ? '' : ` ${code}`}: ${message}`;
}
