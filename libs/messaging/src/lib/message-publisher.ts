import type { PayloadOf, Subject } from '@storebridge/contracts';
import { currentCorrelationId, newCorrelationId } from './correlation';

export interface PublishOptions {
  /**
   * De-duplication id: publishing twice with the same id within the stream's duplicate window stores one
   * message. Derive it from what the message means (e.g. `<syncRunId>:products:<page>`), never from time.
   */
  messageId?: string;
  /** Sent in the message's headers; absent: the current correlation scope's id (see correlation.ts). */
  correlationId?: string;
}

/**
 * The correlation id a message goes with: the one asked for, else the current scope's, else a new one, so the
 * lines of the services handling it still belong together.
 */
export function outgoingCorrelationId(options: PublishOptions = {}): string {
  return options.correlationId ?? currentCorrelationId() ?? newCorrelationId();
}

/** Typed, at-least-once publishing. Resolves only once the message is durably accepted by the bus. */
export abstract class MessagePublisher {
  abstract publish<S extends Subject>(
    subject: S,
    payload: PayloadOf<S>,
    options?: PublishOptions,
  ): Promise<void>;
}
