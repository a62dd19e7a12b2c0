import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Subjects, type NormalizedOrder, type NormalizedProduct } from '@storebridge/contracts';
import { MessagePublisher } from '@storebridge/messaging';
import {
  PushLedgerReader,
  type DeadLetterFilter,
  type PushOutcomeEntity,
  type RecordKind,
} from '@storebridge/persistence';

/** Records per replayed message: the size of a crawled page at most. */
export const REPLAY_BATCH_SIZE = 100;

/** How many dead letters one listing or replay takes at most by default. */
export const DEFAULT_DEAD_LETTER_LIMIT = 1_000;

export interface ReplaySummary {
  /** Records sent back to push, by connection and entity. */
  replayed: number;
  messages: number;
}

/**
 * The dead letters of the push ledger: listed for an operator, and replayed (after a fix of the mapping or of the
 * data) by sending the stored records to push again, which records ShopiMind's new answer.
 */
@Injectable()
export class DeadLetterService {
  constructor(
    private readonly ledger: PushLedgerReader,
    private readonly publisher: MessagePublisher,
  ) {}

  list(filter: DeadLetterFilter = {}): Promise<PushOutcomeEntity[]> {
    return this.ledger.findRejected({ limit: DEFAULT_DEAD_LETTER_LIMIT, ...filter });
  }

  async replay(filter: DeadLetterFilter = {}): Promise<ReplaySummary> {
    const letters = (await this.list(filter)).filter((letter) => letter.record !== null);
    const groups = new Map<string, PushOutcomeEntity[]>();
    for (const letter of letters) {
      const key = `${letter.connectionId}/${letter.entity}`;
      groups.set(key, [...(groups.get(key) ?? []), letter]);
    }
    let messages = 0;
    for (const group of groups.values()) {
      for (let start = 0; start < group.length; start += REPLAY_BATCH_SIZE) {
        await this.publish(group.slice(start, start + REPLAY_BATCH_SIZE));
        messages += 1;
      }
    }
    return { replayed: letters.length, messages };
  }

  /** Like a store webhook's change (no sync run, page 0); a fresh message id, so a second replay goes through too. */
  private async publish(letters: PushOutcomeEntity[]): Promise<void> {
    const { connectionId, entity } = letters[0];
    const base = { connectionId, syncRunId: null, page: 0, deletedIds: [] };
    const messageId = `replay:${connectionId}:${entity}:${randomUUID()}`;
    const records = letters.map((letter) => letter.record);
    if (entity === ('products' satisfies RecordKind)) {
      await this.publisher.publish(
        Subjects.productsChanged,
        { ...base, products: records as unknown as NormalizedProduct[] },
        { messageId },
      );
    } else {
      await this.publisher.publish(
        Subjects.ordersChanged,
        { ...base, orders: records as unknown as NormalizedOrder[] },
        { messageId },
      );
    }
  }
}
