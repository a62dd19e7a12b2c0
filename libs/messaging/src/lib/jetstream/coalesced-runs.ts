import { MessageHandler } from '@nestjs/microservices';
import { JsMsg } from 'nats';
import { CoalesceOptions, coalescingGroups } from '../coalescing';
import { DeliveryOutcome } from '../message.dispatcher';
import { PendingMessage, PullContext } from './pulling';
import { CORRELATION_ID_HEADER } from '../correlation';

/** One turn of a partition: a message alone, or a run of messages handled as one merged payload. */
export type Turn =
  { kind: 'alone'; message: PendingMessage } | { kind: 'merged'; group: PendingMessage[]; payload: unknown };

/** The payload and record count of a message to coalesce, or nothing when it cannot be read. */
export function readForCoalescing(
  coalesce: CoalesceOptions<unknown>,
  msg: JsMsg,
): Pick<PendingMessage, 'payload' | 'recordCount'> {
  try {
    const payload: unknown = JSON.parse(msg.string());
    const recordCount = coalesce.recordCount(payload);
    return Number.isInteger(recordCount) && recordCount >= 0 ? { payload, recordCount } : {};
  } catch {
    // Handled alone: the dispatcher reports what is wrong with it.
    return {};
  }
}

/**
 * The turns of one pull's messages (stream order): consecutive small messages merged into one payload (see
 * coalescingGroups); a message alone, or a group whose payloads will not merge, one message per turn. Lazy, so
 * each group is merged just before its turn is taken.
 */
export function* coalescedTurns(
  coalesce: CoalesceOptions<unknown>,
  pending: readonly PendingMessage[],
  onMergeFailure: (group: readonly PendingMessage[], error: unknown) => void,
): Generator<Turn> {
  for (const group of coalescingGroups(pending, ({ recordCount }) => recordCount, coalesce.maxRecords)) {
    if (group.length === 1) {
      yield { kind: 'alone', message: group[0] };
      continue;
    }
    let payload: unknown;
    try {
      payload = coalesce.merge(group.map(({ payload }) => payload));
    } catch (error) {
      onMergeFailure(group, error);
      for (const message of group) {
        yield { kind: 'alone', message };
      }
      continue;
    }
    yield { kind: 'merged', group, payload };
  }
}

/** Runs a merged payload once for its whole group and settles the group alike; one by one when it is rejected. */
export class MergedRunner {
  constructor(
    private readonly context: Pick<PullContext, 'dispatcher' | 'runner' | 'settler' | 'lifecycle'>,
  ) {}

  /** Resolves with the outcome for the partition (a pause asked for applies to it). */
  async run(group: PendingMessage[], merged: unknown, handler: MessageHandler): Promise<DeliveryOutcome> {
    try {
      const [first] = group;
      const outcome = await this.context.dispatcher.dispatchPayload(
        handler,
        {
          subject: first.msg.subject,
          sequence: first.msg.info.streamSequence,
          // The backoff follows the most retried message of the group.
          attempt: Math.max(...group.map(({ msg }) => msg.info.redeliveryCount)),
          merged: group.length,
          // A merged run keeps the first message's id: its records arrived together (one crawl, one burst).
          correlationId: first.msg.headers?.get(CORRELATION_ID_HEADER),
        },
        merged,
      );
      if (outcome.kind === 'term') {
        // Never drop a valid message because a neighbour was invalid (or poison): each on its own says which one is,
        // and only one message alone is ever parked.
        return await this.oneByOne(group, handler);
      }
      for (const { msg } of group) {
        this.context.settler.settle(msg, outcome);
      }
      return outcome;
    } finally {
      for (const { stopHeartbeat } of group) {
        stopHeartbeat();
      }
    }
  }

  /** The messages of a group, each dispatched and settled on its own, in order, within the group's turn. */
  private async oneByOne(group: PendingMessage[], handler: MessageHandler): Promise<DeliveryOutcome> {
    const { lifecycle, runner, settler } = this.context;
    for (const [index, message] of group.entries()) {
      if (lifecycle.stopping) {
        // Not started yet: back to the stream at once, for another replica.
        settler.handBack(group.slice(index), 0);
        return { kind: 'retry', delayMs: 0 };
      }
      // Read again from the message: the merged run may have altered the parsed payload.
      const outcome = await runner.run({ msg: message.msg, stopHeartbeat: message.stopHeartbeat }, handler);
      if (outcome.kind === 'retry' && outcome.pausesQueue) {
        // What pauses the queue would hold back the rest too: they wait with it.
        settler.handBack(group.slice(index + 1), outcome.delayMs);
        return outcome;
      }
    }
    return { kind: 'ack' };
  }
}
