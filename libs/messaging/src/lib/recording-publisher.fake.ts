import type { PayloadOf, Subject } from '@storebridge/contracts';
import { MessagePublisher, type PublishOptions } from './message-publisher';

export interface PublishedMessage<P = unknown> {
  subject: Subject;
  payload: P;
  options?: PublishOptions;
}

/**
 * The in-memory publisher specs hand to the services they test: records every message, or rejects like a bus
 * that gives no ack while `failing` is set. `P` is the payload type a spec reads back.
 */
export class RecordingPublisher<P = unknown> extends MessagePublisher {
  readonly published: PublishedMessage<P>[] = [];
  failing = false;

  constructor(private readonly failure = 'bus unavailable') {
    super();
  }

  async publish<S extends Subject>(
    subject: S,
    payload: PayloadOf<S>,
    options?: PublishOptions,
  ): Promise<void> {
    if (this.failing) {
      throw new Error(this.failure);
    }
    this.published.push({ subject, payload: payload as unknown as P, ...(options ? { options } : {}) });
  }
}
