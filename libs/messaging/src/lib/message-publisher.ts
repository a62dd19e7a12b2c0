import type { PayloadOf, Subject } from '@storebridge/contracts';

export interface PublishOptions {
  /**
   * De-duplication id: publishing twice with the same id within the stream's duplicate window stores one
   * message. Derive it from what the message means (e.g. `<syncRunId>:products:<page>`), never from time.
   */
  messageId?: string;
}

/** Typed, at-least-once publishing. Resolves only once the message is durably accepted by the bus. */
export abstract class MessagePublisher {
  abstract publish<S extends Subject>(
    subject: S,
    payload: PayloadOf<S>,
    options?: PublishOptions,
  ): Promise<void>;
}
