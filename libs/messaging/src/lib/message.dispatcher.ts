import { Logger } from '@nestjs/common';
import { MessageHandler } from '@nestjs/microservices';
import { backoffDelayMs } from '@storebridge/retry';
import { isObservable, lastValueFrom, of } from 'rxjs';
import {
  acceptableCorrelationId,
  annotateCorrelation,
  type CorrelationScope,
  currentCorrelationId,
  newCorrelationId,
  type RunEnd,
  runWithCorrelation,
} from './correlation';
import { MessagingContext } from './messaging.context';
import { isAvailabilityFailure } from './failure-classification';
import { MessageParking } from './message-parking';
import { classifyHandlerFailure } from './messaging.errors';
import { RetryBackoffOptions } from './messaging.options';

export interface Delivery {
  subject: string;
  sequence: number;
  /** 1 on the first delivery. */
  attempt: number;
  /** The raw JSON text of the payload. */
  data: string;
  /** How many messages this delivery merges (see CoalesceOptions); absent for one message. */
  merged?: number;
  /** From the message's headers; absent or unusable: the handler run gets a new one. */
  correlationId?: string;
}

/** What comes of a delivery. For a merged delivery `term` drops nothing: its messages are run one by one. */
export type DeliveryOutcome =
  | { kind: 'ack' }
  | { kind: 'term' }
  | {
      kind: 'retry';
      delayMs: number;
      /**
       * The handler asked for the delay (RetryLaterError): what holds this message back (an inactive installation)
       * holds back the rest of its queue too. A plain failure concerns this message only.
       */
      pausesQueue?: true;
    };

/**
 * Runs one delivery through its Nest handler and decides its fate, the same way for every transport:
 * ack on success, term for a payload that can never succeed or a message parked after failing the same way too
 * often (see MessageParking), redelivery later for everything else.
 * Logs name the subject and sequence but never payload values, except the ids of the connection and sync run
 * concerned: each handler run is a correlation scope (the message's correlation id, see correlation.ts) naming them.
 */
export class MessageDispatcher {
  private readonly logger: Logger;

  constructor(
    loggerContext: string,
    private readonly backoff: RetryBackoffOptions,
    private readonly parking?: MessageParking,
  ) {
    this.logger = new Logger(loggerContext);
  }

  async dispatch(handler: MessageHandler, delivery: Delivery): Promise<DeliveryOutcome> {
    return this.inScope(delivery, undefined, () => {
      let payload: unknown;
      try {
        payload = JSON.parse(delivery.data);
      } catch {
        this.logger.error(
          `Dropped message on ${delivery.subject} (sequence ${delivery.sequence}): payload is not JSON`,
        );
        return Promise.resolve<DeliveryOutcome>({ kind: 'term' });
      }
      annotateScope(payload);
      return this.run(handler, delivery, payload);
    });
  }

  /**
   * Like `dispatch`, for a payload already parsed (or merged from several messages). The text of a single
   * message's payload goes with it when parking is on: it is what a parked message keeps.
   */
  async dispatchPayload(
    handler: MessageHandler,
    delivery: Omit<Delivery, 'data'> & { data?: string },
    payload: unknown,
  ): Promise<DeliveryOutcome> {
    return this.inScope(delivery, payload, () => this.run(handler, delivery, payload));
  }

  /** Runs `work` as one handler run: in its correlation scope, then calling what asked to know how it ended. */
  private async inScope(
    delivery: Pick<Delivery, 'correlationId'>,
    payload: unknown,
    work: () => Promise<DeliveryOutcome>,
  ): Promise<DeliveryOutcome> {
    const scope: CorrelationScope = {
      correlationId: acceptableCorrelationId(delivery.correlationId) ?? newCorrelationId(),
      runEndCallbacks: [],
    };
    return runWithCorrelation(scope, async () => {
      const startedAt = performance.now();
      if (payload !== undefined) {
        annotateScope(payload);
      }
      const outcome = await work();
      const end: RunEnd = { outcome: outcome.kind, durationMs: Math.round(performance.now() - startedAt) };
      for (const callback of scope.runEndCallbacks ?? []) {
        try {
          callback(end);
        } catch (error) {
          // Reporting on a run must never change its outcome.
          this.logger.warn(`A run end callback failed: ${String(error)}`);
        }
      }
      return outcome;
    });
  }

  private async run(
    handler: MessageHandler,
    delivery: Omit<Delivery, 'data'> & { data?: string },
    payload: unknown,
  ): Promise<DeliveryOutcome> {
    let outcome: DeliveryOutcome;
    try {
      const context = new MessagingContext([
        delivery.subject,
        delivery.attempt,
        delivery.sequence,
        currentCorrelationId(),
      ]);
      const result: unknown = await handler(payload, context);
      // Nest's RPC proxy reports a handler's exception as an erroring Observable, not a rejection.
      await lastValueFrom(isObservable(result) ? result : of(result), { defaultValue: undefined });
      outcome = { kind: 'ack' };
    } catch (error) {
      outcome = await this.outcomeOfFailure(error, delivery, payload);
    }
    if (outcome.kind !== 'retry' && delivery.merged === undefined) {
      this.parking?.forget(delivery);
    }
    return outcome;
  }

  private async outcomeOfFailure(
    error: unknown,
    delivery: Omit<Delivery, 'data'> & { data?: string },
    payload: unknown,
  ): Promise<DeliveryOutcome> {
    const failure = classifyHandlerFailure(error);
    const merged = delivery.merged === undefined ? '' : ` merging ${delivery.merged} messages`;
    const where = `${delivery.subject} (sequence ${delivery.sequence}${merged}, attempt ${delivery.attempt})`;
    switch (failure.kind) {
      case 'invalid-payload':
        if (delivery.merged !== undefined) {
          // The transport then delivers those messages one by one: only the invalid ones are dropped.
          this.logger.warn(`Invalid merged message on ${where}: ${failure.messages.join('; ')}`);
        } else {
          this.logger.error(`Dropped invalid message on ${where}: ${failure.messages.join('; ')}`);
        }
        return { kind: 'term' };
      case 'retry-later':
        this.logger.debug(`Handler asked to retry ${where} in ${failure.delayMs} ms`);
        return { kind: 'retry', delayMs: failure.delayMs, pausesQueue: true };
      case 'failed': {
        if (!isAvailabilityFailure(error)) {
          if (delivery.merged !== undefined && delivery.attempt > 1) {
            // A merged run failing again may hold a poison message: run alone, each is counted and can be parked.
            this.logger.warn(
              `Merged handler run failed again for ${where}, running its messages alone: ${failure.reason}`,
            );
            return { kind: 'term' };
          }
          if (
            delivery.merged === undefined &&
            (await this.parking?.onFailure(
              { ...delivery, data: delivery.data ?? JSON.stringify(payload) },
              payload,
              error,
            ))
          ) {
            return { kind: 'term' };
          }
        }
        const delayMs = backoffDelayMs(delivery.attempt, {
          baseMs: this.backoff.initialMs,
          maxMs: this.backoff.maxMs,
        });
        this.logger.warn(`Handler failed for ${where}, redelivering in ${delayMs} ms: ${failure.reason}`);
        return { kind: 'retry', delayMs };
      }
    }
  }
}

/** Every message between services names its connection, and a crawl's pages their sync run. */
function annotateScope(payload: unknown): void {
  if (typeof payload === 'object' && payload !== null) {
    const { connectionId, syncRunId } = payload as { connectionId?: unknown; syncRunId?: unknown };
    annotateCorrelation({ connectionId, runId: syncRunId });
  }
}
